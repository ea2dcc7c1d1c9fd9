using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SseCodec.AspNetCore.Tests.Infrastructure;
using SseCodec.Client;
using SseCodec.Server;

namespace SseCodec.AspNetCore.Tests;

/// <summary>The adapter on Kestrel read by SseCodec's own client, SseClient, with its reconnection.</summary>
public sealed class SseClientEndToEndTests
{
    [Fact]
    public async Task SseClient_dropped_by_the_server_reconnects_after_retry_and_resumes_with_no_gap_and_no_duplicate()
    {
        await using var hub = new SseHub(new SseHubOptions { History = new SseMemoryEventHistory(10_000) });
        var options = new SseStreamOptions { Retry = TimeSpan.FromMilliseconds(50), HeartbeatInterval = TimeSpan.Zero };
        var lastEventIds = new List<string?>();
        int requests = 0;
        await using var host = await KestrelHost.StartAsync(app =>
            app.MapGet("/events", (RequestDelegate)(async c =>
            {
                lock (lastEventIds)
                {
                    lastEventIds.Add(c.Request.GetLastEventId());
                }

                if (Interlocked.Increment(ref requests) <= 2)
                {
                    // The first two connections are dropped by the server after a moment.
                    using var drop = CancellationTokenSource.CreateLinkedTokenSource(c.RequestAborted);
                    drop.CancelAfter(TimeSpan.FromMilliseconds(150));
                    c.Response.PrepareEventStream();
                    await hub.StreamAsync(c.Response.BodyWriter, c.Request.GetLastEventId(), null, options, drop.Token);
                    c.Abort();
                    return;
                }

                await c.Response.WriteEventStreamAsync(hub, null, options);
            })));

        await using var client = new SseClient(host.Client, new Uri(host.Address, "/events"), new SseClientOptions { UseJitter = false });
        using var stop = new CancellationTokenSource();
        Task publisher = Task.Run(async () =>
        {
            while (hub.ConnectionCount == 0)
            {
                await Task.Delay(1);
            }

            for (int n = 1; n <= 300; n++)
            {
                hub.Publish($"event {n}", "tick", n.ToString());
                await Task.Delay(2, stop.Token);
            }
        });

        var ids = new List<int>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (ids.Count < 300 && await client.ReadAsync(timeout.Token))
        {
            Assert.Equal("tick", client.Current.EventType);
            ids.Add(int.Parse(client.Current.LastEventId));
        }

        await publisher;
        Assert.Equal(Enumerable.Range(1, 300), ids);
        Assert.True(lastEventIds.Count >= 3, $"{lastEventIds.Count} requests");
        Assert.Null(lastEventIds[0]);
        Assert.NotNull(lastEventIds[1]);
        Assert.NotNull(lastEventIds[2]);
    }

    [Fact]
    public async Task SseClient_stops_for_good_on_StopReconnecting()
    {
        int requests = 0;
        await using var host = await KestrelHost.StartAsync(app =>
            app.MapGet("/events", (RequestDelegate)(c =>
                Interlocked.Increment(ref requests) == 1
                    ? SseResults.Stream(async (w, t) => await w.WriteEventAsync("only", id: "1", retry: TimeSpan.FromMilliseconds(20), cancellationToken: t)).ExecuteAsync(c)
                    : SseResults.StopReconnecting().ExecuteAsync(c))));

        await using var client = new SseClient(host.Client, new Uri(host.Address, "/events"), new SseClientOptions { UseJitter = false });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        Assert.True(await client.ReadAsync(timeout.Token));
        Assert.Equal("only", client.Current.GetDataString());
        Assert.False(await client.ReadAsync(timeout.Token));
        Assert.Equal(SseReadyState.Closed, client.ReadyState);
        Assert.Equal(2, requests);
    }

    [Fact]
    public async Task SseClient_sees_heartbeats_as_comments()
    {
        await using var hub = new SseHub();
        await using var host = await KestrelHost.StartAsync(app =>
            app.MapGet("/events", (RequestDelegate)(c => SseResults.Subscribe(hub, null, new SseStreamOptions { HeartbeatInterval = TimeSpan.FromMilliseconds(100) }).ExecuteAsync(c))));

        await using var client = new SseClient(host.Client, new Uri(host.Address, "/events"));
        int comments = 0;
        client.CommentReceived += (_, _) =>
        {
            if (Interlocked.Increment(ref comments) == 3)
            {
                hub.Publish("after three heartbeats");
            }
        };

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        Assert.True(await client.ReadAsync(timeout.Token));
        Assert.Equal("after three heartbeats", client.Current.GetDataString());
        Assert.True(comments >= 3);
    }
}

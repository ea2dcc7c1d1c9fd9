using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Time.Testing;
using SseCodec.AspNetCore.Tests.Infrastructure;
using SseCodec.Client;
using SseCodec.Server.Tests.Infrastructure;
using SseCodec.Server;

namespace SseCodec.AspNetCore.Tests;

/// <summary>The adapter on Kestrel read by SseCodec's own client, SseClient, with its reconnection.</summary>
public sealed class SseClientEndToEndTests
{
    [Fact]
    public async Task SseClient_dropped_by_the_server_reconnects_after_retry_and_resumes_with_no_gap_and_no_duplicate()
    {
        await using var hub = new SseHub(new SseHubOptions { History = new SseMemoryEventHistory(10_000) });
        var options = new SseStreamOptions { ReconnectionTime = TimeSpan.FromMilliseconds(50), HeartbeatInterval = TimeSpan.Zero };
        var lastEventIds = new List<string?>();
        int requests = 0;

        // The first two connections are dropped by the server when the test says: after the client has read 100 and 200 events.
        using var dropFirst = new CancellationTokenSource();
        using var dropSecond = new CancellationTokenSource();
        CancellationTokenSource[] drops = [dropFirst, dropSecond];
        await using var host = await KestrelHost.StartAsync(app =>
            app.MapGet("/events", (RequestDelegate)(async c =>
            {
                lock (lastEventIds)
                {
                    lastEventIds.Add(c.Request.GetLastEventId());
                }

                int request = Interlocked.Increment(ref requests) - 1;
                if (request < drops.Length)
                {
                    using var drop = CancellationTokenSource.CreateLinkedTokenSource(c.RequestAborted, drops[request].Token);
                    c.Response.PrepareEventStream();
                    await hub.StreamAsync(c.Response.BodyWriter, c.Request.GetLastEventId(), null, options, drop.Token);
                    c.Abort();
                    return;
                }

                await c.Response.WriteEventStreamAsync(hub, null, options);
            })));

        await using var client = new SseClient(host.Client, new Uri(host.Address, "/events"), new SseClientOptions { UseJitter = false });
        var received = new Progress();

        // The publisher keeps at most 50 events ahead of the reader, so that events are published across both drops.
        Task publisher = Task.Run(async () =>
        {
            await hub.WaitForConnectionsAsync(1);
            for (int n = 1; n <= 300; n++)
            {
                await received.WhenAtLeast(n - 50).WaitAsync(HubWaits.Patience);
                hub.Publish($"event {n}", "tick", n.ToString());
            }
        });

        var ids = new List<int>();
        using var timeout = new CancellationTokenSource(HubWaits.Patience);
        while (ids.Count < 300 && await client.ReadAsync(timeout.Token))
        {
            Assert.Equal("tick", client.Current.EventType);
            ids.Add(int.Parse(client.Current.LastEventId));
            received.Add();
            if (ids.Count is 100 or 200)
            {
                await drops[(ids.Count / 100) - 1].CancelAsync();
            }
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
        using var timeout = new CancellationTokenSource(HubWaits.Patience);
        Assert.True(await client.ReadAsync(timeout.Token));
        Assert.Equal("only", client.Current.GetDataString());
        Assert.False(await client.ReadAsync(timeout.Token));
        Assert.Equal(SseReadyState.Closed, client.ReadyState);
        Assert.Equal(2, requests);
    }

    [Fact]
    public async Task SseClient_sees_heartbeats_as_comments()
    {
        var clock = new FakeTimeProvider();
        var options = new SseStreamOptions { HeartbeatInterval = TimeSpan.FromSeconds(15), TimeProvider = clock };
        await using var hub = new SseHub();
        await using var host = await KestrelHost.StartAsync(app =>
            app.MapGet("/events", (RequestDelegate)(c => SseResults.Subscribe(hub, null, options).ExecuteAsync(c))));

        await using var client = new SseClient(host.Client, new Uri(host.Address, "/events"));
        var comments = new Progress();
        client.CommentReceived += (_, _) => comments.Add();

        using var timeout = new CancellationTokenSource(HubWaits.Patience);
        Task<bool> reading = client.ReadAsync(timeout.Token).AsTask();
        await hub.WaitForConnectionsAsync(1);
        for (int i = 1; i <= 3; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(15));
            await comments.WhenAtLeast(i).WaitAsync(HubWaits.Patience);
        }

        hub.Publish("after three heartbeats");
        Assert.True(await reading);
        Assert.Equal("after three heartbeats", client.Current.GetDataString());
        Assert.Equal(3, comments.Value);
    }
}

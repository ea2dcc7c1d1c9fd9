using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Time.Testing;
using SseCodec.AspNetCore.Tests.Infrastructure;
using SseCodec.Server;

namespace SseCodec.AspNetCore.Tests;

/// <summary>
/// The adapter on Kestrel read as EventSource reads it, with SseCodec's parser over HttpClient: resumed through
/// Last-Event-ID after the server drops it, told by a 204 not to reconnect, kept alive by heartbeats. (SseClient's own
/// side of these is in the client suite.)
/// </summary>
public sealed class ReconnectingReaderTests
{
    [Fact]
    public async Task A_reader_dropped_by_the_server_resumes_through_Last_Event_ID_with_no_gap_and_no_duplicate()
    {
        await using var hub = new SseHub(new SseHubOptions { History = new SseMemoryEventHistory(10_000) });
        var options = new SseStreamOptions { ReconnectionTime = TimeSpan.FromMilliseconds(50), HeartbeatInterval = TimeSpan.Zero };
        var lastEventIds = new List<string?>();
        int requests = 0;

        // The first two connections are dropped by the server when the test says: after the reader has read 100 and 200 events.
        using var dropFirst = new CancellationTokenSource();
        using var dropSecond = new CancellationTokenSource();
        CancellationTokenSource[] drops = [dropFirst, dropSecond];
        await using var host = await LoopbackKestrel.StartAsync(app =>
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

        var received = new Progress();

        // The publisher keeps at most 50 events ahead of the reader, so that events are published across both drops.
        Task publisher = Task.Run(async () =>
        {
            await hub.WaitForConnectionsAsync(1);
            for (int n = 1; n <= 300; n++)
            {
                await received.WhenAtLeast(n - 50).WaitAsync(Eventually.HangGuard);
                hub.Publish($"event {n}", "tick", n.ToString());
            }
        });

        // The reader reconnects at once after each drop, with the last event ID it saw, as EventSource does after its wait.
        var ids = new List<int>();
        var resumedFrom = new List<string>();
        string? lastEventId = null;
        using var timeout = new CancellationTokenSource(Eventually.HangGuard);
        while (ids.Count < 300)
        {
            if (lastEventId is not null)
            {
                resumedFrom.Add(lastEventId);
            }

            var (response, reader) = await Clients.OpenAsync(host.Client, "/events", lastEventId, timeout.Token);
            using (response)
            using (reader)
            {
                try
                {
                    while (ids.Count < 300 && await reader.ReadAsync(timeout.Token))
                    {
                        Assert.Equal("tick", reader.Current.EventType);
                        lastEventId = reader.Current.LastEventId;
                        ids.Add(int.Parse(lastEventId));
                        received.Add();
                        if (ids.Count is 100 or 200)
                        {
                            await drops[(ids.Count / 100) - 1].CancelAsync();
                        }
                    }
                }
                catch (IOException)
                {
                    // The server aborted the connection: the drop.
                }
            }
        }

        await publisher;
        Assert.Equal(Enumerable.Range(1, 300), ids);
        Assert.Equal(2, resumedFrom.Count);
        Assert.Equal(new string?[] { null }.Concat(resumedFrom), lastEventIds);
    }

    [Fact]
    public async Task StopReconnecting_answers_the_reconnect_after_a_stream_with_204()
    {
        int requests = 0;
        await using var host = await LoopbackKestrel.StartAsync(app =>
            app.MapGet("/events", (RequestDelegate)(c =>
                Interlocked.Increment(ref requests) == 1
                    ? SseResults.Stream(async (w, t) => await w.WriteEventAsync("only", id: "1", retry: TimeSpan.FromMilliseconds(20), cancellationToken: t)).ExecuteAsync(c)
                    : SseResults.StopReconnecting().ExecuteAsync(c))));

        using var timeout = new CancellationTokenSource(Eventually.HangGuard);
        var (first, reader) = await Clients.OpenAsync(host.Client, "/events", cancellationToken: timeout.Token);
        using (first)
        using (reader)
        {
            Assert.Equal([new Received("message", "only", "1")], await Clients.ReadAsync(reader, cancellationToken: timeout.Token));
            Assert.Equal(TimeSpan.FromMilliseconds(20), reader.ReconnectionTime);
        }

        var (second, nothing) = await Clients.OpenAsync(host.Client, "/events", lastEventId: "1", cancellationToken: timeout.Token);
        using (second)
        using (nothing)
        {
            Assert.Equal(HttpStatusCode.NoContent, second.StatusCode);
        }

        Assert.Equal(2, requests);
    }

    [Fact]
    public async Task Heartbeats_reach_the_reader_as_comments()
    {
        var clock = new FakeTimeProvider();
        var options = new SseStreamOptions { HeartbeatInterval = TimeSpan.FromSeconds(15), TimeProvider = clock };
        await using var hub = new SseHub();
        await using var host = await LoopbackKestrel.StartAsync(app =>
            app.MapGet("/events", (RequestDelegate)(c => SseResults.Subscribe(hub, null, options).ExecuteAsync(c))));

        using var timeout = new CancellationTokenSource(Eventually.HangGuard);
        var (response, reader) = await Clients.OpenAsync(host.Client, "/events", cancellationToken: timeout.Token);
        using (response)
        using (reader)
        {
            await hub.WaitForConnectionsAsync(1);
            for (int i = 1; i <= 3; i++)
            {
                clock.Advance(TimeSpan.FromSeconds(15));
                Assert.Equal(SseItemKind.Comment, await reader.ReadItemAsync(timeout.Token));
            }

            hub.Publish("after three heartbeats");
            Assert.Equal(SseItemKind.Event, await reader.ReadItemAsync(timeout.Token));
            Assert.Equal("after three heartbeats", reader.Current.GetDataString());
        }
    }
}

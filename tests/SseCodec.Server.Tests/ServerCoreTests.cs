using System.Buffers;
using System.Diagnostics.Metrics;
using System.IO.Pipelines;
using System.Net.ServerSentEvents;
using System.Text;
using SseCodec.Server.Tests.Infrastructure;
using SseCodec.Server;

namespace SseCodec.Server.Tests;

/// <summary>The server core over plain pipes and streams: heartbeats on a fake clock, replay, slow clients, cleanup.</summary>
public sealed class ServerCoreTests
{
    private static readonly SseStreamOptions NoHeartbeat = new() { HeartbeatInterval = TimeSpan.Zero };

    [Fact]
    public async Task A_heartbeat_comes_after_exactly_the_idle_interval_and_an_event_postpones_it()
    {
        var clock = new TestClock();
        var pipe = new Pipe();
        using var stop = new CancellationTokenSource();
        SseWriter? writer = null;
        var started = new TaskCompletionSource();
        Task<SseStreamCompletion> streaming = SseStreaming.StreamAsync(pipe.Writer, async (w, token) =>
        {
            writer = w;
            started.SetResult();
            await Task.Delay(Timeout.Infinite, token);
        }, new SseStreamOptions { TimeProvider = clock }, stop.Token);
        await started.Task;

        clock.Advance(TimeSpan.FromSeconds(14.9));
        Assert.Equal("", PipeText.ReadAvailable(pipe.Reader));
        clock.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal(":\n", await PipeText.ReadAtLeastAsync(pipe.Reader, 2));

        // t = 15 s: heartbeat. An event at t = 20 s moves the next heartbeat from 30 s to 35 s.
        clock.Advance(TimeSpan.FromSeconds(5));
        await writer!.WriteEventAsync("tick");
        Assert.Equal("data: tick\n\n", PipeText.ReadAvailable(pipe.Reader));
        clock.Advance(TimeSpan.FromSeconds(14));
        Assert.Equal("", PipeText.ReadAvailable(pipe.Reader));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(":\n", await PipeText.ReadAtLeastAsync(pipe.Reader, 2));

        stop.Cancel();
        Assert.Equal(SseStreamCompletion.Canceled, await streaming);
        Assert.Equal(0, clock.LiveTimers);
    }

    [Fact]
    public async Task Heartbeats_follow_a_configured_interval_and_can_be_turned_off()
    {
        var clock = new TestClock();
        var pipe = new Pipe();
        using var stop = new CancellationTokenSource();
        Task<SseStreamCompletion> streaming = SseStreaming.StreamAsync(pipe.Writer, (_, t) => Task.Delay(Timeout.Infinite, t),
            new SseStreamOptions { TimeProvider = clock, HeartbeatInterval = TimeSpan.FromSeconds(2) }, stop.Token);
        Assert.Equal(1, clock.LiveTimers);
        string seen = "";
        for (int i = 0; i < 3; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(2));
            seen += await PipeText.ReadAtLeastAsync(pipe.Reader, 2);
        }

        Assert.Equal(":\n:\n:\n", seen);
        stop.Cancel();
        await streaming;
        Assert.Equal(0, clock.LiveTimers);

        var quiet = new Pipe();
        using var stop2 = new CancellationTokenSource();
        Task<SseStreamCompletion> silent = SseStreaming.StreamAsync(quiet.Writer, (_, t) => Task.Delay(Timeout.Infinite, t),
            new SseStreamOptions { TimeProvider = clock, HeartbeatInterval = TimeSpan.Zero }, stop2.Token);
        clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, clock.LiveTimers);
        Assert.Equal("", PipeText.ReadAvailable(quiet.Reader));
        stop2.Cancel();
        Assert.Equal(SseStreamCompletion.Canceled, await silent);
        Assert.Equal(TimeSpan.FromSeconds(15), new SseStreamOptions().HeartbeatInterval);
    }

    [Fact]
    public async Task A_coalescing_policy_holds_events_until_its_delay_then_flushes_them_together()
    {
        var clock = new TestClock();
        var pipe = new Pipe();
        using var stop = new CancellationTokenSource();
        var written = new TaskCompletionSource();
        Task<SseStreamCompletion> streaming = SseStreaming.StreamAsync(pipe.Writer, async (w, token) =>
        {
            for (int i = 0; i < 3; i++)
            {
                await w.WriteEventAsync(i.ToString(), cancellationToken: token);
            }

            written.SetResult();
            await Task.Delay(Timeout.Infinite, token);
        }, new SseStreamOptions { TimeProvider = clock, HeartbeatInterval = TimeSpan.Zero, FlushPolicy = SseFlushPolicy.Coalesce(TimeSpan.FromMilliseconds(50)) }, stop.Token);
        await written.Task;

        clock.Advance(TimeSpan.FromMilliseconds(49));
        Assert.Equal("", PipeText.ReadAvailable(pipe.Reader));
        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal("data: 0\n\ndata: 1\n\ndata: 2\n\n", await PipeText.ReadAtLeastAsync(pipe.Reader, 27));

        stop.Cancel();
        Assert.Equal(SseStreamCompletion.Canceled, await streaming);
    }

    [Fact]
    public async Task Streaming_into_a_plain_stream_writes_the_encoder_bytes_and_reports_the_source_end()
    {
        var stream = new MemoryStream();
        SseStreamCompletion completion = await SseStreaming.StreamAsync(stream, SseSource.From(ToAsync(["a", "b\nc"]), static (w, s) => SseEncoder.WriteEvent(w, s.AsSpan(), "t")),
            new SseStreamOptions { ReconnectionTime = TimeSpan.FromSeconds(3), HeartbeatInterval = TimeSpan.Zero });
        Assert.Equal(SseStreamCompletion.SourceCompleted, completion);
        Assert.Equal("retry: 3000\nevent: t\ndata: a\n\nevent: t\ndata: b\ndata: c\n\n", Encoding.UTF8.GetString(stream.ToArray()));
        Assert.True(stream.CanWrite, "the caller's stream is left open");
    }

    private static async IAsyncEnumerable<string> ToAsync(IEnumerable<string> items)
    {
        foreach (string item in items)
        {
            await Task.Yield();
            yield return item;
        }
    }

    [Fact]
    public async Task A_completed_reader_ends_the_stream_as_canceled()
    {
        var pipe = new Pipe();
        await pipe.Reader.CompleteAsync();
        SseStreamCompletion completion = await SseStreaming.StreamAsync(pipe.Writer, async (w, t) =>
        {
            while (true)
            {
                await w.WriteEventAsync("x", cancellationToken: t);
            }
        }, NoHeartbeat);
        Assert.Equal(SseStreamCompletion.Canceled, completion);
    }

    private static SseHub HubWithHistory(int capacity, out SseMemoryEventHistory history, SseSlowClientPolicy policy = SseSlowClientPolicy.DropOldest, int queue = 256)
    {
        history = new SseMemoryEventHistory(capacity);
        return new SseHub(new SseHubOptions { History = history, SlowClientPolicy = policy, QueueCapacity = queue, Name = Guid.NewGuid().ToString() });
    }

    private static async Task<List<string>> ReplayAsync(SseHub hub, string? lastEventId, int expected)
    {
        var pipe = new Pipe();
        using var stop = new CancellationTokenSource();
        Task<SseStreamCompletion> streaming = hub.StreamAsync(pipe.Writer, lastEventId, null, NoHeartbeat, stop.Token);
        using var reader = new SseReader(pipe.Reader, leaveOpen: true);
        var ids = new List<string>();
        using var timeout = new CancellationTokenSource(Eventually.HangGuard);
        while (ids.Count < expected && await reader.ReadAsync(timeout.Token))
        {
            ids.Add(reader.Current.LastEventId);
        }

        stop.Cancel();
        await streaming;
        return ids;
    }

    [Fact]
    public async Task Replay_at_the_edges_of_the_history()
    {
        await using SseHub hub = HubWithHistory(5, out SseMemoryEventHistory history);
        for (int i = 1; i <= 8; i++)
        {
            hub.Publish($"e{i}", id: i.ToString());
        }

        Assert.Equal(5, history.Count);

        // The oldest kept event: everything after it.
        Assert.Equal(["5", "6", "7", "8"], await ReplayAsync(hub, "4", 4));

        // The newest: nothing to replay, the next live event comes next.
        Task<List<string>> live = ReplayAsync(hub, "8", 1);
        await hub.WaitForConnectionsAsync(1);
        hub.Publish("e9", id: "9");
        Assert.Equal(["9"], await live);

        // One just evicted (or unknown): nothing is replayed by default, and the history says it is not there.
        Assert.Null(await history.FindAsync("3", default));
        Assert.Null(await history.FindAsync("nope", default));
        Assert.Equal(5, (await history.FindAsync("5", default))?.Sequence);
        Assert.False((await history.ReadAfterAsync(3, long.MaxValue, default)).Contiguous);
        Assert.True((await history.ReadAfterAsync(4, long.MaxValue, default)).Contiguous);

        await hub.WaitForConnectionsAsync(0);
        Assert.Equal(0, hub.OutstandingBuffers);
    }

    [Fact]
    public async Task The_history_keeps_to_its_byte_budget()
    {
        var history = new SseMemoryEventHistory(capacity: 1000, maxBytes: 100);
        await using var hub = new SseHub(new SseHubOptions { History = history });
        for (int i = 0; i < 50; i++)
        {
            hub.Publish(new string('x', 30), id: i.ToString());
        }

        Assert.InRange(history.Count, 1, 3);
    }

    [Fact]
    public async Task Replay_while_events_are_being_published_has_no_gap_and_no_duplicate()
    {
        // A queue large enough that drop-oldest never fires: any gap would be the replay's.
        await using SseHub hub = HubWithHistory(100_000, out _, queue: 1_000_000);
        using var stop = new CancellationTokenSource();

        // Each round allows the publisher 400 more events and starts a replay 50 events back: the publisher is still
        // going while the replay catches up and turns live, whatever the machine's speed.
        using var allowance = new SemaphoreSlim(0);
        var published = new Progress();
        Task publisher = Task.Run(async () =>
        {
            int n = 0;
            while (true)
            {
                await allowance.WaitAsync(stop.Token);
                n++;
                hub.Publish("x", id: n.ToString());
                published.Add();
            }
        });

        allowance.Release(100);
        await published.WhenAtLeast(100).WaitAsync(Eventually.HangGuard);
        for (int round = 0; round < 20; round++)
        {
            int from = (int)published.Value - 50;
            allowance.Release(400);
            List<string> ids = await ReplayAsync(hub, from.ToString(), 200);
            Assert.Equal(Enumerable.Range(from + 1, 200).Select(i => i.ToString()), ids);
        }

        stop.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => publisher);
    }

    [Fact]
    public async Task Drop_oldest_keeps_a_stalled_connection_bounded_and_the_others_whole()
    {
        await using var hub = new SseHub(new SseHubOptions { QueueCapacity = 16, SlowClientPolicy = SseSlowClientPolicy.DropOldest, Name = "drop-" + Guid.NewGuid() });
        var stalled = new Pipe(new PipeOptions(pauseWriterThreshold: 1024, resumeWriterThreshold: 512));
        var healthy = new Pipe();
        using var stop = new CancellationTokenSource();
        Task<SseStreamCompletion> s1 = hub.StreamAsync(stalled.Writer, options: NoHeartbeat, cancellationToken: stop.Token);
        Task<SseStreamCompletion> s2 = hub.StreamAsync(healthy.Writer, options: NoHeartbeat, cancellationToken: stop.Token);
        await hub.WaitForConnectionsAsync(2);

        using var reader = new SseReader(healthy.Reader, leaveOpen: true);
        long dropped = 0;
        using var listener = Listen("ssecodec.server.events.dropped", hub, v => Interlocked.Add(ref dropped, v));
        byte[] payload = new byte[200];
        payload.AsSpan().Fill((byte)'p');
        int received = 0;
        for (int i = 1; i <= 2000; i++)
        {
            hub.Publish(payload, id: i.ToString());
            Assert.InRange(hub.OutstandingBuffers, 0, 16 + 16 + 4);
            if (i % 8 == 0)
            {
                while (received < i && await reader.ReadAsync())
                {
                    received++;
                    Assert.Equal(received.ToString(), reader.Current.LastEventId);
                }
            }
        }

        Assert.Equal(2000, received);
        Assert.InRange(Interlocked.Read(ref dropped), 2000 - 16 - 10, 2000);
        stop.Cancel();
        Assert.Equal(SseStreamCompletion.Canceled, await s1);
        Assert.Equal(SseStreamCompletion.Canceled, await s2);
        Assert.Equal(0, hub.ConnectionCount);
        Assert.Equal(0, hub.OutstandingBuffers);
    }

    [Fact]
    public async Task The_disconnect_policy_drops_a_stalled_connection_and_frees_its_queue()
    {
        await using var hub = new SseHub(new SseHubOptions { QueueCapacity = 8, SlowClientPolicy = SseSlowClientPolicy.Disconnect, Name = "disc-" + Guid.NewGuid() });
        var stalled = new Pipe(new PipeOptions(pauseWriterThreshold: 512, resumeWriterThreshold: 256));
        Task<SseStreamCompletion> streaming = hub.StreamAsync(stalled.Writer, options: NoHeartbeat);
        await hub.WaitForConnectionsAsync(1);
        long disconnects = 0;
        using var listener = Listen("ssecodec.server.slow_client.disconnects", hub, v => Interlocked.Add(ref disconnects, v));

        for (int i = 0; i < 100; i++)
        {
            hub.Publish(new string('d', 100));
        }

        Assert.Equal(SseStreamCompletion.SlowClient, await streaming.WaitAsync(Eventually.HangGuard));
        Assert.Equal(0, hub.ConnectionCount);
        Assert.Equal(0, hub.OutstandingBuffers);
        Assert.Equal(1, Interlocked.Read(ref disconnects));
    }

    [Fact]
    public async Task Canceling_a_connection_unsubscribes_it_and_returns_every_buffer()
    {
        await using var hub = new SseHub(new SseHubOptions { Name = "cancel-" + Guid.NewGuid() });
        var stalled = new Pipe(new PipeOptions(pauseWriterThreshold: 256, resumeWriterThreshold: 128));
        using var stop = new CancellationTokenSource();
        Task<SseStreamCompletion> streaming = hub.StreamAsync(stalled.Writer, groups: ["g"], options: NoHeartbeat, cancellationToken: stop.Token);
        await hub.WaitForConnectionsAsync(1);
        for (int i = 0; i < 50; i++)
        {
            hub.Publish("queued " + i, group: i % 2 == 0 ? "g" : null);
        }

        Assert.True(hub.OutstandingBuffers > 0);
        stop.Cancel();
        Assert.Equal(SseStreamCompletion.Canceled, await streaming.WaitAsync(Eventually.HangGuard));
        Assert.Equal(0, hub.ConnectionCount);
        Assert.Equal(0, hub.OutstandingBuffers);

        // A publish after the last connection left reaches nobody and holds nothing.
        hub.Publish("nobody", group: "g");
        Assert.Equal(0, hub.OutstandingBuffers);
    }

    [Fact]
    public async Task Disposing_the_hub_ends_its_streams_as_completed()
    {
        var hub = new SseHub();
        var pipe = new Pipe();
        Task<SseStreamCompletion> streaming = hub.StreamAsync(pipe.Writer, options: NoHeartbeat);
        await hub.WaitForConnectionsAsync(1);
        await hub.DisposeAsync();
        Assert.Equal(SseStreamCompletion.SourceCompleted, await streaming.WaitAsync(Eventually.HangGuard));
        Assert.Throws<ObjectDisposedException>(() => hub.Publish("late"));
    }

    [Fact]
    public async Task Metrics_count_connections_events_and_bytes()
    {
        await using var hub = new SseHub(new SseHubOptions { Name = "metrics-" + Guid.NewGuid() });
        long connections = 0, events = 0, bytes = 0;
        using var l1 = Listen("ssecodec.server.connections", hub, v => Interlocked.Add(ref connections, v));
        using var l2 = Listen("ssecodec.server.events.published", hub, v => Interlocked.Add(ref events, v));
        using var l3 = Listen("ssecodec.server.bytes.written", hub, v => Interlocked.Add(ref bytes, v));

        var pipes = new[] { new Pipe(), new Pipe() };
        using var stop = new CancellationTokenSource();
        Task[] streams = pipes.Select(p => (Task)hub.StreamAsync(p.Writer, options: NoHeartbeat, cancellationToken: stop.Token)).ToArray();
        await hub.WaitForConnectionsAsync(2);
        Assert.Equal(2, Interlocked.Read(ref connections));
        hub.Publish("hello");                   // "data: hello\n\n" = 13 bytes
        hub.Publish("world", "w");             // "event: w\ndata: world\n\n" = 22 bytes

        // A connection counts its bytes as it writes them, before it flushes: once both pipes have them, they are counted.
        foreach (Pipe pipe in pipes)
        {
            Assert.Equal(13 + 22, (await PipeText.ReadAtLeastAsync(pipe.Reader, 13 + 22)).Length);
        }

        Assert.Equal(2 * (13 + 22), Interlocked.Read(ref bytes));
        Assert.Equal(2, Interlocked.Read(ref events));
        stop.Cancel();
        await Task.WhenAll(streams);
        Assert.Equal(0, Interlocked.Read(ref connections));
    }

    [Fact]
    public void Publishing_an_invalid_event_writes_nothing_and_keeps_the_hub_usable()
    {
        var hub = new SseHub(new SseHubOptions { History = new SseMemoryEventHistory() });
        Assert.Throws<ArgumentException>(() => hub.Publish("x", id: "bad\nid"));
        Assert.Equal(0, hub.LastSequence);
        Assert.Equal(1, hub.Publish("ok", id: "1"));
        Assert.Equal(0, hub.OutstandingBuffers);
    }

    private static MeterListener Listen(string instrument, SseHub hub, Action<long> onValue)
    {
        string? name = null;
        var listener = new MeterListener
        {
            InstrumentPublished = (i, l) =>
            {
                if (i.Meter.Name == SseServerMetrics.MeterName && i.Name == instrument)
                {
                    l.EnableMeasurementEvents(i);
                }
            },
        };
        _ = name;
        string hubName = HubName(hub);
        listener.SetMeasurementEventCallback<long>((i, value, tags, _) =>
        {
            foreach (KeyValuePair<string, object?> tag in tags)
            {
                if (tag.Key == "hub" && (string?)tag.Value == hubName)
                {
                    onValue(value);
                }
            }
        });
        listener.Start();
        return listener;
    }

    private static string HubName(SseHub hub) => hub.Name;
}

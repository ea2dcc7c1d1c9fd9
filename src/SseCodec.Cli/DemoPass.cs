using System.Diagnostics;
using System.Globalization;
using SseCodec.Client;
using SseCodec.Server;

namespace SseCodec.Cli;

/// <summary>
/// One pass of <c>sse demo</c>: a fresh hub with a history, a client that connects to it, the events published as fast
/// as <see cref="SseHub.Publish(ReadOnlyMemory{byte}, string?, string?, string?)"/> returns, the client's drop and
/// resume through <c>Last-Event-ID</c> halfway, and a check that every event arrived once, in order.
/// </summary>
internal static class DemoPass
{
    /// <summary>How long the client may go without an event once everything is published before the pass gives up.</summary>
    private static readonly TimeSpan StallTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Runs one pass.</summary>
    /// <param name="events">The server's <c>/events</c> URL.</param>
    /// <param name="install">Makes a hub the one the server's <c>/events</c> subscribes new requests to.</param>
    /// <param name="count">How many events to publish.</param>
    /// <param name="size">About how many bytes of data each event carries.</param>
    /// <param name="reconnect">Whether the client drops the connection halfway and resumes.</param>
    /// <param name="narration">Where the first events and the drop are told; <see langword="null"/> for a silent pass.</param>
    /// <param name="cancellationToken">Stops the pass (Ctrl+C).</param>
    public static async Task<DemoPassResult> RunAsync(Uri events, Action<SseHub> install, int count, int size, bool reconnect, TextWriter? narration, CancellationToken cancellationToken)
    {
        // The history holds the whole pass, so that the resume always finds the client's Last-Event-ID. When publishing
        // outruns the connection's queue (the default 256 events), the connection continues from the history, as the
        // hub does for any client that falls behind; such catch-ups count toward MaxReplayBytes, which past its default
        // 4 MiB would end the stream and cost a reconnection, so it is unbounded here.
        var hub = new SseHub(new SseHubOptions
        {
            History = new SseMemoryEventHistory(count, long.MaxValue),
            MaxReplayBytes = long.MaxValue,
            Name = "sse-demo",
        });
        await using (hub)
        {
            install(hub);
            return await ReadAsync(events, hub, count, size, reconnect, narration, cancellationToken);
        }
    }

    private static async Task<DemoPassResult> ReadAsync(Uri events, SseHub hub, int count, int size, bool reconnect, TextWriter? narration, CancellationToken cancellationToken)
    {
        long dropAt = reconnect ? count / 2 : -1;
        var check = new DemoSequenceCheck();
        long received = 0, dataBytes = 0;
        int connections = 0;
        long publishStart = 0, publishEnd = 0, dropped = 0, resumed = 0, last = 0;
        TimeSpan cpuAtStart = TimeSpan.Zero;
        Task publisher = Task.CompletedTask;
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        await using var client = new SseClient(events, new SseClientOptions { UseJitter = false });
        client.Opened += (_, _) =>
        {
            if (++connections == 1)
            {
                publisher = Task.Run(
                    async () =>
                    {
                        // Publish only once the hub has the connection, so that the first event reaches it.
                        while (hub.ConnectionCount == 0)
                        {
                            await Task.Delay(1, cancellationToken);
                        }

                        cpuAtStart = ProcessCpu();
                        publishStart = Stopwatch.GetTimestamp();
                        Publish(hub, count, size, cancellationToken);
                        Volatile.Write(ref publishEnd, Stopwatch.GetTimestamp());
                    },
                    cancellationToken);
            }
        };

        Task watchdog = WatchAsync(() => Volatile.Read(ref publishEnd) != 0, () => Volatile.Read(ref received), stall);
        bool stalled = false;
        TimeSpan cpu;
        try
        {
            while (check.LastId < count && await client.ReadAsync(stall.Token))
            {
                SseEvent e = client.Current;
                last = Stopwatch.GetTimestamp();
                if (received == dropAt)
                {
                    resumed = last;
                }

                check.Observe(e.LastEventIdUtf8);
                Volatile.Write(ref received, received + 1);
                dataBytes += e.DataLength;
                if (narration is not null && received <= 3)
                {
                    string data = e.GetDataString();
                    await narration.WriteLineAsync($"  #{received} {e.EventType} id={e.LastEventId} data={(data.Length > 48 ? data[..48] + "..." : data)}");
                }

                if (received == dropAt)
                {
                    if (narration is not null)
                    {
                        await narration.WriteLineAsync($"  ... the client drops the connection after {received:N0} events and reconnects with Last-Event-ID: {e.LastEventId}");
                    }

                    client.Restart();
                    dropped = Stopwatch.GetTimestamp();
                }
            }
        }
        catch (OperationCanceledException) when (stall.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            stalled = true;
        }
        finally
        {
            cpu = ProcessCpu() - cpuAtStart;
            await stall.CancelAsync();
            await watchdog;
        }

        await publisher;
        return new DemoPassResult(
            count,
            received,
            dataBytes,
            check.LastId,
            check.Missing + (count - check.LastId),
            check.Unexpected,
            connections,
            Stopwatch.GetElapsedTime(publishStart, publishEnd),
            Stopwatch.GetElapsedTime(publishStart, last),
            resumed == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(dropped, resumed),
            cpu,
            stalled);
    }

    /// <summary>
    /// Publishes events 1 to <paramref name="count"/> with IDs "1", "2" and so on. The data, <c>{"n":N,"pad":"xx…"}</c>,
    /// is formatted as UTF-8 into one reused buffer: the hub encodes it into its own buffer during the call.
    /// </summary>
    private static void Publish(SseHub hub, int count, int size, CancellationToken cancellationToken)
    {
        ReadOnlySpan<byte> prefix = "{\"n\":"u8;
        ReadOnlySpan<byte> middle = ",\"pad\":\""u8;
        ReadOnlySpan<byte> suffix = "\"}"u8;
        int padding = Math.Max(0, size - 16);
        byte[] buffer = new byte[prefix.Length + 11 + middle.Length + padding + suffix.Length];
        for (int n = 1; n <= count; n++)
        {
            // Interrupted, the demo stops publishing rather than fill the history for a server that is going away.
            cancellationToken.ThrowIfCancellationRequested();
            Span<byte> span = buffer;
            prefix.CopyTo(span);
            int length = prefix.Length;
            n.TryFormat(span[length..], out int digits, provider: CultureInfo.InvariantCulture);
            length += digits;
            middle.CopyTo(span[length..]);
            length += middle.Length;
            span.Slice(length, padding).Fill((byte)'x');
            length += padding;
            suffix.CopyTo(span[length..]);
            length += suffix.Length;
            hub.Publish(buffer.AsMemory(0, length), id: n.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>The CPU time the process has used, on all its threads.</summary>
    private static TimeSpan ProcessCpu()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }

    /// <summary>Cancels <paramref name="stall"/> when nothing has been read for <see cref="StallTimeout"/> after everything was published.</summary>
    private static async Task WatchAsync(Func<bool> published, Func<long> received, CancellationTokenSource stall)
    {
        long seen = -1;
        long since = Stopwatch.GetTimestamp();
        try
        {
            while (!stall.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), stall.Token);
                long now = received();
                if (now != seen || !published())
                {
                    seen = now;
                    since = Stopwatch.GetTimestamp();
                }
                else if (Stopwatch.GetElapsedTime(since) >= StallTimeout)
                {
                    await stall.CancelAsync();
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The pass ended, or this watchdog ended it.
        }
    }
}

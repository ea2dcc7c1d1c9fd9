using System.Diagnostics;
using System.Globalization;
using SseCodec.Client;
using System.Text;
using SseCodec.Server;

namespace SseCodec.Cli;

/// <summary>
/// <c>sse demo [--events N] [--size BYTES] [--no-reconnect]</c>: starts the server on loopback and a client against
/// it, streams events through both (dropping and resuming the connection halfway through Last-Event-ID), and prints
/// what arrived and the rate.
/// </summary>
/// <remarks>
/// The client is SseCodec.Client's <see cref="SseClient"/>; <see cref="SseClient.Restart"/> drops the connection and
/// it reconnects with <c>Last-Event-ID</c>, as a browser's EventSource would.
/// </remarks>
internal static class DemoCommand
{
    public static async Task<int> RunAsync(ReadOnlyMemory<string> args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        int count = 100_000;
        int size = 32;
        bool reconnect = true;
        var reader = new ArgumentReader(args.Span);
        while (reader.TryNext(out string arg))
        {
            switch (arg)
            {
                case "--events": count = reader.PositiveInt(arg); break;
                case "--size": size = reader.PositiveInt(arg); break;
                case "--no-reconnect": reconnect = false; break;
                default: throw new UsageException($"unexpected argument '{arg}'");
            }
        }

        // Queue and history hold the whole run, so that the only limit on the rate is the pipeline itself.
        var hub = new SseHub(new SseHubOptions { History = new SseMemoryEventHistory(count, long.MaxValue), QueueCapacity = count, Name = "sse-demo" });
        var options = new SseStreamOptions { Retry = TimeSpan.FromMilliseconds(100), FlushPolicy = SseFlushPolicy.Coalesce(TimeSpan.FromMilliseconds(5)) };
        DemoServer server = await DemoServer.StartAsync(null, hub, options, cancellationToken);
        await using (server)
        {
            var events = new Uri(new Uri(server.Addresses[0]), "/events");
            await stdout.WriteLineAsync($"server: {events} (SseCodec.AspNetCore hub, history of {count:N0} events)");
            await stdout.WriteLineAsync($"client: SseCodec.Client SseClient; {count:N0} events of {size} bytes of data");

            string padding = new('x', Math.Max(0, size - 16));
            long lastId = 0, received = 0, bytes = 0, outOfOrder = 0;
            long dropAt = reconnect ? count / 2 : -1;
            int connections = 0;
            var clock = Stopwatch.StartNew();
            Task publisher = Task.CompletedTask;
            var clientOptions = new SseClientOptions { UseJitter = false };
            await using var client = new SseClient(events, clientOptions);
            client.Opened += (_, _) =>
            {
                if (++connections == 1)
                {
                    // Publish only once the hub has the connection, so the first event is not missed.
                    publisher = Task.Run(async () =>
                    {
                        while (hub.ConnectionCount == 0)
                        {
                            await Task.Delay(1, cancellationToken);
                        }

                        clock.Restart();
                        Publish(hub, count, padding, cancellationToken);
                    }, cancellationToken);
                }
            };

            while (lastId < count && await client.ReadAsync(cancellationToken))
            {
                SseEvent e = client.Current;
                long id = long.Parse(e.LastEventIdUtf8, CultureInfo.InvariantCulture);
                outOfOrder += id == lastId + 1 ? 0 : 1;
                lastId = id;
                received++;
                bytes += e.DataLength;
                if (received <= 3)
                {
                    string data = e.GetDataString();
                    await stdout.WriteLineAsync($"  #{received} {e.EventType} id={e.LastEventId} data={(data.Length > 48 ? data[..48] + "..." : data)}");
                }

                if (received == dropAt)
                {
                    await stdout.WriteLineAsync($"  ... the client drops the connection after {received:N0} events and reconnects with Last-Event-ID: {e.LastEventId}");
                    client.Restart();
                }
            }

            int connection = connections;
            clock.Stop();
            await publisher;
            double seconds = clock.Elapsed.TotalSeconds;
            string verdict = outOfOrder == 0 && received == count ? "no gap and no duplicate" : $"{outOfOrder} out of order";
            await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"received {received:N0} events ({bytes / 1e6:0.0} MB of data) in {seconds:0.00} s over {connection} connection(s): {received / seconds:N0} events/s; ids 1..{lastId:N0} with {verdict}"));
            return outOfOrder == 0 && received == count ? SseCommand.ExitOk : SseCommand.ExitDataError;
        }
    }

    private static void Publish(SseHub hub, int count, string padding, CancellationToken cancellationToken)
    {
        var data = new StringBuilder();
        for (int n = 1; n <= count; n++)
        {
            // Interrupted, the demo stops publishing rather than fill the history for a server that is going away.
            cancellationToken.ThrowIfCancellationRequested();
            data.Clear().Append("{\"n\":").Append(n).Append(",\"pad\":\"").Append(padding).Append("\"}");
            hub.Publish(data.ToString(), id: n.ToString(CultureInfo.InvariantCulture));
        }
    }
}

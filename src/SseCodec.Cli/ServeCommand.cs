using System.Globalization;
using System.Text;
using SseCodec.Server;

namespace SseCodec.Cli;

/// <summary>
/// <c>sse serve [--urls URL] [--retry MS] [--heartbeat S] [--interval MS] [--stdin]</c>: an event stream at
/// <c>/events</c>, kept in a history so that a reconnecting client resumes through <c>Last-Event-ID</c>.
/// </summary>
internal static class ServeCommand
{
    public const string DefaultUrls = "http://127.0.0.1:8080";

    public static async Task<int> RunAsync(ReadOnlyMemory<string> args, Stream stdin, TextWriter stderr, CancellationToken cancellationToken)
    {
        string urls = DefaultUrls;
        TimeSpan? retry = null;
        TimeSpan heartbeat = SseStreamOptions.DefaultHeartbeatInterval;
        TimeSpan interval = TimeSpan.FromSeconds(1);
        bool fromStdin = false;

        var reader = new ArgumentReader(args.Span);
        while (reader.TryNext(out string arg))
        {
            switch (arg)
            {
                case "--urls": urls = reader.Value(arg); break;
                case "--retry": retry = TimeSpan.FromMilliseconds(reader.PositiveInt(arg)); break;
                case "--heartbeat": heartbeat = TimeSpan.FromSeconds(reader.PositiveInt(arg)); break;
                case "--interval": interval = TimeSpan.FromMilliseconds(reader.PositiveInt(arg)); break;
                case "--stdin": fromStdin = true; break;
                default: throw new UsageException($"unexpected argument '{arg}'");
            }
        }

        var hub = new SseHub(new SseHubOptions { History = new SseMemoryEventHistory(capacity: 10_000), Name = "sse-serve" });
        var options = new SseStreamOptions { ReconnectionTime = retry, HeartbeatInterval = heartbeat };
        DemoServer server = await DemoServer.StartAsync(urls, hub, options, cancellationToken);
        await using (server)
        {
            foreach (string address in server.Addresses)
            {
                await stderr.WriteLineAsync($"sse: serving {address.TrimEnd('/')}/events ({(fromStdin ? "stdin lines" : $"an event every {interval.TotalMilliseconds:0} ms")}; Ctrl+C or SIGTERM stops)");
            }

            await stderr.FlushAsync(cancellationToken);
            try
            {
                if (fromStdin)
                {
                    await BroadcastLinesAsync(hub, stdin, cancellationToken);
                }
                else
                {
                    await TickAsync(hub, interval, cancellationToken);
                }

                // Keep serving the history after the input ends, until stopped.
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Stopping is how a server ends: disposing the server below ends every stream, then stops Kestrel.
                await stderr.WriteLineAsync($"sse: stopping; closing {hub.ConnectionCount} connection(s)");
            }
        }

        await stderr.WriteLineAsync("sse: stopped");
        return SseCommand.ExitOk;
    }

    /// <summary>A plain <c>message</c> event every interval carrying the time, with ids counting up from 1.</summary>
    private static async Task TickAsync(SseHub hub, TimeSpan interval, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval);
        long id = 0;
        do
        {
            id++;
            hub.Publish(DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture), id: id.ToString(CultureInfo.InvariantCulture));
        }
        while (await timer.WaitForNextTickAsync(cancellationToken));
    }

    /// <summary>Each stdin line becomes a <c>message</c> event to every client, with ids counting up from 1.</summary>
    private static async Task BroadcastLinesAsync(SseHub hub, Stream stdin, CancellationToken cancellationToken)
    {
        using var lines = new StreamReader(stdin, Encoding.UTF8, detectEncodingFromByteOrderMarks: false);
        long id = 0;
        while (await lines.ReadLineAsync(cancellationToken) is { } line)
        {
            id++;
            hub.Publish(line, id: id.ToString(CultureInfo.InvariantCulture));
        }
    }
}

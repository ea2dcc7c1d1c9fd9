using System.Globalization;
using System.Text;
using SseCodec.Redis;
using SseCodec.Server;
using StackExchange.Redis;

namespace SseCodec.Cli;

/// <summary>
/// <c>sse serve [--urls URL] [--retry MS] [--heartbeat S] [--interval MS] [--stdin] [--redis HOST:PORT [--stream NAME]]</c>:
/// an event stream at <c>/events</c>, kept in a history so that a reconnecting client resumes through
/// <c>Last-Event-ID</c>. With <c>--redis</c>, the stream is a Redis Stream shared by every <c>sse serve</c> given the
/// same Redis and name: what any of them publishes reaches the clients of all, with one ID sequence, and a client
/// resumes on any of them.
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
        string? redis = null;
        string stream = "sse-serve";

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
                case "--redis": redis = reader.Value(arg); break;
                case "--stream": stream = reader.Value(arg); break;
                default: throw new UsageException($"unexpected argument '{arg}'");
            }
        }

        var hubOptions = new SseHubOptions { History = new SseMemoryEventHistory(capacity: 10_000), Name = "sse-serve" };
        if (redis is not null)
        {
            var backplane = new SseRedisBackplane(new SseRedisBackplaneOptions { Configuration = ParseRedis(redis), StreamName = stream });
            hubOptions.Backplane = backplane;
            hubOptions.History = backplane;
        }

        var hub = new SseHub(hubOptions);
        var options = new SseStreamOptions { ReconnectionTime = retry, HeartbeatInterval = heartbeat };
        DemoServer server = await DemoServer.StartAsync(urls, hub, options, cancellationToken);
        await using (server)
        {
            foreach (string address in server.Addresses)
            {
                string shared = redis is null ? "" : $", shared through Redis {redis} as '{stream}'";
                await stderr.WriteLineAsync($"sse: serving {address.TrimEnd('/')}/events ({(fromStdin ? "stdin lines" : $"an event every {interval.TotalMilliseconds:0} ms")}{shared}; Ctrl+C or SIGTERM stops)");
            }

            await stderr.FlushAsync(cancellationToken);
            try
            {
                if (fromStdin)
                {
                    await BroadcastLinesAsync(hub, stdin, stderr, cancellationToken);
                }
                else
                {
                    await TickAsync(hub, interval, stderr, cancellationToken);
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

    /// <summary><c>HOST:PORT</c> (or any StackExchange.Redis configuration string), refused as a usage error when it does not parse.</summary>
    private static ConfigurationOptions ParseRedis(string value)
    {
        try
        {
            return ConfigurationOptions.Parse(value);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--redis: '{value}' is not a Redis address (HOST:PORT): {e.Message}");
        }
    }

    /// <summary>A plain <c>message</c> event every interval carrying the time, with ids counting up from 1.</summary>
    private static async Task TickAsync(SseHub hub, TimeSpan interval, TextWriter stderr, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval);
        long id = 0;
        do
        {
            id++;
            await PublishAsync(hub, DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture), id, stderr, cancellationToken);
        }
        while (await timer.WaitForNextTickAsync(cancellationToken));
    }

    /// <summary>Each stdin line becomes a <c>message</c> event to every client, with ids counting up from 1.</summary>
    private static async Task BroadcastLinesAsync(SseHub hub, Stream stdin, TextWriter stderr, CancellationToken cancellationToken)
    {
        using var lines = new StreamReader(stdin, Encoding.UTF8, detectEncodingFromByteOrderMarks: false);
        long id = 0;
        while (await lines.ReadLineAsync(cancellationToken) is { } line)
        {
            id++;
            await PublishAsync(hub, line, id, stderr, cancellationToken);
        }
    }

    /// <summary>
    /// Publishes one event: in process with the next local id, or through Redis, which numbers it for every node. A
    /// publish Redis refuses (it is down) is reported and the event is not sent; the server keeps serving.
    /// </summary>
    private static async Task PublishAsync(SseHub hub, string data, long localId, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (hub.Backplane is null)
        {
            hub.Publish(data, id: localId.ToString(CultureInfo.InvariantCulture));
            return;
        }

        try
        {
            await hub.PublishAsync(data, cancellationToken: cancellationToken);
        }
        catch (SseBackplaneException e)
        {
            await stderr.WriteLineAsync($"sse: not published: {e.Message}");
        }
    }
}

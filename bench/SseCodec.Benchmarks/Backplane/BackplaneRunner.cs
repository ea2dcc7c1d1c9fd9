using System.Diagnostics;
using System.Globalization;
using System.IO.Pipelines;
using SseCodec.Redis;
using SseCodec.Server;
using StackExchange.Redis;

namespace SseCodec.Benchmarks.Backplane;

/// <summary>
/// <c>backplane [--connections N] [--events N] [--in-flight N] [--rate N] [--redis HOST:PORT]</c>: publish-to-delivery through one
/// in-process hub, then across two nodes (two hubs, each with its own Redis connections, half the connections each) on
/// one Redis stream. Connections are pipes read by <see cref="SseReader"/> in this process, so both rows pay the same
/// client cost; each event carries its publish time, and latency is measured at ten of the connections. Without
/// <c>--redis</c> it starts Debian's redis-server on a free loopback port and stops it after. By default events are
/// published as fast as the hub takes them (saturation: the latency is mostly queueing); with <c>--rate N</c> they are
/// published N a second on a fixed schedule, below capacity, so the latency is that of one hop.
/// </summary>
internal static class BackplaneRunner
{
    public static async Task<int> RunAsync(string[] args)
    {
        int connections = 1000, events = 2000, inFlight = 64;
        double rate = 0;
        string? redis = null;
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--connections": connections = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--events": events = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--in-flight": inFlight = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--rate": rate = double.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--redis": redis = args[i + 1]; break;
                default: Console.Error.WriteLine($"backplane: unknown option {args[i]}"); return 2;
            }
        }

        await using LocalRedis? local = redis is null ? await LocalRedis.StartAsync() : null;
        redis ??= local!.Configuration;
        string pace = rate > 0 ? string.Create(CultureInfo.InvariantCulture, $"paced at {rate:0.##} events/s") : "saturation";
        Console.WriteLine($"// {Environment.ProcessorCount} processor(s) visible; {connections} connections, {events} events, {inFlight} publishes in flight, {pace}; Redis {redis}");

        // A warm-up pass of each, then the measured one.
        foreach (bool measured in new[] { false, true })
        {
            int n = measured ? events : Math.Max(events / 10, 100);
            Result inProcess = await MeasureAsync(connections, n, inFlight, rate, null);
            Result twoNodes = await MeasureAsync(connections, n, inFlight, rate, redis);
            if (measured)
            {
                Console.WriteLine("| Hub | events/s | deliveries/s | p50 | p99 |");
                Console.WriteLine("| --- | ---: | ---: | ---: | ---: |");
                string suffix = rate > 0 ? string.Create(CultureInfo.InvariantCulture, $", paced {rate:0.##}/s") : string.Empty;
                Console.WriteLine(inProcess.Row("in-process (one node)" + suffix));
                Console.WriteLine(twoNodes.Row("Redis backplane (two nodes)" + suffix));
            }
        }

        return 0;
    }

    private static async Task<Result> MeasureAsync(int connections, int events, int inFlight, double rate, string? redis)
    {
        string prefix = $"bench-{Guid.NewGuid():N}:";
        // Queues hold a whole run, so that no connection is dropped as slow: the figures are for delivery, not for the policy.
        int queue = events + 16;
        SseHub[] hubs = redis is null ? [new SseHub(new SseHubOptions { QueueCapacity = queue })] : [NewNode(redis, prefix, queue), NewNode(redis, prefix, queue)];
        using var stop = new CancellationTokenSource();
        var options = new SseStreamOptions { HeartbeatInterval = TimeSpan.Zero };
        var done = new CountdownEvent(connections);
        var latencies = new List<double>[Math.Min(10, connections)];
        var tasks = new List<Task>();
        for (int c = 0; c < connections; c++)
        {
            var pipe = new Pipe(new PipeOptions(useSynchronizationContext: false));
            SseHub hub = hubs[c % hubs.Length];
            tasks.Add(hub.StreamAsync(pipe.Writer, options: options, cancellationToken: stop.Token));
            List<double>? sample = c < latencies.Length ? latencies[c] = new List<double>(events) : null;
            tasks.Add(ReadAsync(pipe.Reader, events, sample, done, stop.Token));
        }

        foreach (SseHub hub in hubs)
        {
            while (hub.ConnectionCount < connections / hubs.Length)
            {
                await Task.Delay(10);
            }
        }

        var window = new SemaphoreSlim(inFlight);
        var start = Stopwatch.StartNew();
        var publishes = new List<Task>(events);
        for (int e = 0; e < events; e++)
        {
            if (rate > 0)
            {
                await UntilAsync(start, TimeSpan.FromSeconds(e / rate));
            }

            await window.WaitAsync();
            SseHub hub = hubs[e % hubs.Length];
            publishes.Add(PublishAsync(hub, window));
        }

        await Task.WhenAll(publishes);
        bool delivered = done.Wait(TimeSpan.FromMinutes(5));
        double seconds = start.Elapsed.TotalSeconds;
        if (!delivered)
        {
            throw new InvalidOperationException($"{done.CurrentCount} of {connections} connections did not get all {events} events within 5 minutes.");
        }

        stop.Cancel();
        await Task.WhenAll(tasks);
        foreach (SseHub hub in hubs)
        {
            await hub.DisposeAsync();
        }

        double[] all = [.. latencies.SelectMany(l => l).Order()];
        return new Result(events / seconds, (double)events * connections / seconds, Percentile(all, 0.50), Percentile(all, 0.99));
    }

    private static SseHub NewNode(string redis, string prefix, int queue)
    {
        var backplane = new SseRedisBackplane(new SseRedisBackplaneOptions { Configuration = ConfigurationOptions.Parse(redis), KeyPrefix = prefix, StreamName = "bench" });
        return new SseHub(new SseHubOptions { Backplane = backplane, History = backplane, QueueCapacity = queue });
    }

    /// <summary>Waits until <paramref name="due"/> after <paramref name="start"/>: a timer for most of it, then yields to the clock, so that a schedule of a few ms apart holds.</summary>
    private static async Task UntilAsync(Stopwatch start, TimeSpan due)
    {
        TimeSpan left;
        while ((left = due - start.Elapsed) > TimeSpan.Zero)
        {
            if (left > TimeSpan.FromMilliseconds(2))
            {
                await Task.Delay(left - TimeSpan.FromMilliseconds(1));
            }
            else
            {
                await Task.Yield();
            }
        }
    }

    private static async Task PublishAsync(SseHub hub, SemaphoreSlim window)
    {
        try
        {
            await hub.PublishAsync(Stopwatch.GetTimestamp().ToString(CultureInfo.InvariantCulture));
        }
        finally
        {
            window.Release();
        }
    }

    private static async Task ReadAsync(PipeReader pipe, int events, List<double>? latencies, CountdownEvent done, CancellationToken cancellationToken)
    {
        using var reader = new SseReader(pipe);
        int seen = 0;
        try
        {
            while (seen < events && await reader.ReadAsync(cancellationToken))
            {
                seen++;
                if (latencies is not null)
                {
                    long sent = long.Parse(reader.Current.GetDataString(), CultureInfo.InvariantCulture);
                    latencies.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        if (seen == events)
        {
            done.Signal();
        }
    }

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];

    private readonly record struct Result(double EventsPerSecond, double DeliveriesPerSecond, double P50, double P99)
    {
        public string Row(string name) =>
            string.Create(CultureInfo.InvariantCulture, $"| {name} | {EventsPerSecond:N0} | {DeliveriesPerSecond:N0} | {P50:0.00} ms | {P99:0.00} ms |");
    }
}

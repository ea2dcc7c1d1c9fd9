using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SseCodec;
using SseCodec.AspNetCore;
using SseCodec.Server;

// The load test: `run` (the default) starts a server process and one client process per scenario, on 127.0.0.1.
//   dotnet run -c Release --project tests/SseCodec.LoadTest -- [--idle N] [--hold S] [--broadcast N] [--events E] [--stalled-events E]
// `server` and `client SCENARIO` are the child processes.
return args.Length > 0 && args[0] == "server" ? await LoadServer.RunAsync(args[1..])
    : args.Length > 0 && args[0] == "client" ? await LoadClient.RunAsync(args[1..])
    : await Orchestrator.RunAsync(args);

internal static class Options
{
    public static int Int(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    public static string Str(string[] args, string name, string fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }
}

internal static class Orchestrator
{
    public static async Task<int> RunAsync(string[] args)
    {
        int idle = Options.Int(args, "--idle", 10_000);
        int hold = Options.Int(args, "--hold", 20);
        int heartbeat = Options.Int(args, "--heartbeat", 2);
        int broadcast = Options.Int(args, "--broadcast", 1_000);
        int events = Options.Int(args, "--events", 1_000);
        int stalledEvents = Options.Int(args, "--stalled-events", 10_000);
        int readers = Options.Int(args, "--readers", 50);
        Console.WriteLine($"load test: {idle:N0} idle connections held {hold} s (heartbeat {heartbeat} s); broadcast {events:N0} events to {broadcast:N0}; a stalled client among {readers} readers, {stalledEvents:N0} events of 1 KiB");
        Console.WriteLine($"cores: {Environment.ProcessorCount}; descriptor limit: {ReadLimit()}");

        using Process server = Start("server", "--heartbeat", heartbeat.ToString(CultureInfo.InvariantCulture));
        string address = (await server.StandardOutput.ReadLineAsync())!.Trim();
        Console.WriteLine($"server: {address} (pid {server.Id})");
        using var http = new HttpClient { BaseAddress = new Uri(address) };
        int failures = 0;
        try
        {
            Stats baseline = await StatsAsync(http);
            Console.WriteLine($"server baseline: {baseline}");

            // 1. Idle connections with heartbeats.
            using (Process client = Start("client", "idle", address, "--connections", idle.ToString(CultureInfo.InvariantCulture), "--hold", hold.ToString(CultureInfo.InvariantCulture), "--heartbeat", heartbeat.ToString(CultureInfo.InvariantCulture)))
            {
                Stats? loaded = null;
                string? line;
                while ((line = await client.StandardOutput.ReadLineAsync()) is not null)
                {
                    Console.WriteLine("  client: " + line);
                    if (line.StartsWith("connected", StringComparison.Ordinal))
                    {
                        await Task.Delay(2000);
                        loaded = await StatsAsync(http);
                        Console.WriteLine($"  server with connections open: {loaded}");
                        long n = Math.Max(1, loaded.Connections);
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"  server memory per connection: {(loaded.WorkingSet - baseline.WorkingSet) / (double)n / 1024:0.0} KiB working set, {(loaded.GcHeap - baseline.GcHeap) / (double)n / 1024:0.0} KiB managed heap (after a full GC), {loaded.Connections:N0} connections"));
                    }
                }

                await client.WaitForExitAsync();
                failures += client.ExitCode == 0 ? 0 : 1;
            }

            await WaitForAsync(http, s => s.Connections == 0);

            // 2. Broadcast.
            using (Process client = Start("client", "broadcast", address, "--connections", broadcast.ToString(CultureInfo.InvariantCulture), "--events", events.ToString(CultureInfo.InvariantCulture)))
            {
                failures += await RelayAsync(client);
            }

            await WaitForAsync(http, s => s.Connections == 0);

            // 3. A stalled client among readers.
            Stats before = await StatsAsync(http);
            Console.WriteLine($"server before the stalled-client run: {before}");
            using (Process client = Start("client", "stalled", address, "--connections", readers.ToString(CultureInfo.InvariantCulture), "--events", stalledEvents.ToString(CultureInfo.InvariantCulture)))
            {
                string? line;
                while ((line = await client.StandardOutput.ReadLineAsync()) is not null)
                {
                    Console.WriteLine("  client: " + line);
                    if (line.StartsWith("stalled:", StringComparison.Ordinal))
                    {
                        Stats during = await StatsAsync(http);
                        Console.WriteLine($"  server while the stalled client is still connected: {during}");
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"  server managed heap grew {(during.GcHeap - before.GcHeap) / 1048576.0:0.0} MiB, working set {(during.WorkingSet - before.WorkingSet) / 1048576.0:0.0} MiB, for {stalledEvents / 1024.0:0.0} MiB sent to the stalled client (queue bound: 1024 events)"));
                    }
                }

                await client.WaitForExitAsync();
                failures += client.ExitCode == 0 ? 0 : 1;
            }

            Stats after = await StatsAsync(http);
            Console.WriteLine($"server after the stalled-client run: {after}");
        }
        finally
        {
            server.Kill(entireProcessTree: true);
        }

        Console.WriteLine(failures == 0 ? "load test: passed" : $"load test: {failures} scenario(s) failed");
        return failures == 0 ? 0 : 1;
    }

    private static async Task<int> RelayAsync(Process client)
    {
        string? line;
        while ((line = await client.StandardOutput.ReadLineAsync()) is not null)
        {
            Console.WriteLine("  client: " + line);
        }

        await client.WaitForExitAsync();
        return client.ExitCode == 0 ? 0 : 1;
    }

    private static async Task WaitForAsync(HttpClient http, Func<Stats, bool> condition)
    {
        for (int i = 0; i < 300 && !condition(await StatsAsync(http, gc: false)); i++)
        {
            await Task.Delay(100);
        }
    }

    private static string ReadLimit()
    {
        try
        {
            string line = File.ReadAllLines("/proc/self/limits").First(l => l.StartsWith("Max open files", StringComparison.Ordinal));
            return string.Join(' ', line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3..5]);
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    public static async Task<Stats> StatsAsync(HttpClient http, bool gc = true) =>
        JsonSerializer.Deserialize(await http.GetStringAsync(gc ? "/stats?gc=1" : "/stats"), LoadJson.Default.Stats)!;

    private static Process Start(params string[] args)
    {
        var info = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, UseShellExecute = false };
        string self = typeof(Orchestrator).Assembly.Location;
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet")
        {
            info.ArgumentList.Add(self);
        }

        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }

        return Process.Start(info)!;
    }
}

internal sealed record Stats(long Connections, long WorkingSet, long GcHeap, long Published, long Dropped)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Connections:N0} connections, working set {WorkingSet / 1048576.0:0.0} MiB, managed heap {GcHeap / 1048576.0:0.0} MiB, {Published:N0} published, {Dropped:N0} dropped");
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Stats))]
internal sealed partial class LoadJson : System.Text.Json.Serialization.JsonSerializerContext;

internal static class LoadServer
{
    public static async Task<int> RunAsync(string[] args)
    {
        int heartbeat = Options.Int(args, "--heartbeat", 15);
        long dropped = 0;
        var hub = new SseHub(new SseHubOptions { QueueCapacity = 1024, Name = "load" });
        using var listener = new System.Diagnostics.Metrics.MeterListener
        {
            InstrumentPublished = (i, l) =>
            {
                if (i.Meter.Name == SseServerMetrics.MeterName && i.Name == "ssecodec.server.events.dropped")
                {
                    l.EnableMeasurementEvents(i);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, v, _, _) => Interlocked.Add(ref dropped, v));
        listener.Start();

        var options = new SseStreamOptions { HeartbeatInterval = TimeSpan.FromSeconds(heartbeat) };
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o =>
        {
            o.Listen(IPAddress.Loopback, 0);
            o.Limits.MaxConcurrentConnections = null;

            // Only the hub's queue policy bounds a stalled client here, not Kestrel's minimum data rate.
            o.Limits.MinResponseDataRate = null;
        });
        WebApplication app = builder.Build();
        app.MapGet("/events", (RequestDelegate)(c => c.Response.WriteEventStreamAsync(hub, null, options)));
        app.MapGet("/stats", (RequestDelegate)(async c =>
        {
            if (c.Request.Query.ContainsKey("gc"))
            {
                GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
                GC.WaitForPendingFinalizers();
                GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            }

            using var self = Process.GetCurrentProcess();
            var stats = new Stats(hub.ConnectionCount, self.WorkingSet64, GC.GetTotalMemory(false), hub.LastSequence, Interlocked.Read(ref dropped));
            c.Response.ContentType = "application/json";
            await c.Response.WriteAsync(JsonSerializer.Serialize(stats, LoadJson.Default.Stats));
        }));
        app.MapPost("/publish", (RequestDelegate)(async c =>
        {
            int count = int.Parse(c.Request.Query["count"]!, CultureInfo.InvariantCulture);
            int size = int.Parse(c.Request.Query["size"]!, CultureInfo.InvariantCulture);
            int batch = int.Parse(c.Request.Query["batch"].FirstOrDefault() ?? "0", CultureInfo.InvariantCulture);
            byte[] data = new byte[size];
            data.AsSpan().Fill((byte)'x');
            var clock = Stopwatch.StartNew();
            for (int i = 1; i <= count; i++)
            {
                hub.Publish(data, id: i.ToString(CultureInfo.InvariantCulture));
                if (batch > 0 && i % batch == 0)
                {
                    await Task.Delay(1);
                }
            }

            await c.Response.WriteAsync(clock.Elapsed.TotalMilliseconds.ToString(CultureInfo.InvariantCulture));
        }));
        await app.StartAsync();
        Console.WriteLine(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        await app.WaitForShutdownAsync();
        return 0;
    }
}

internal static class LoadClient
{
    public static async Task<int> RunAsync(string[] args)
    {
        string scenario = args[0];
        var address = new Uri(args[1]);
        int connections = Options.Int(args, "--connections", 100);
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = int.MaxValue,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            ConnectTimeout = TimeSpan.FromSeconds(30),
        };
        using var http = new HttpClient(handler) { BaseAddress = address, Timeout = Timeout.InfiniteTimeSpan };
        return scenario switch
        {
            "idle" => await IdleAsync(http, connections, Options.Int(args, "--hold", 20), Options.Int(args, "--heartbeat", 2)),
            "broadcast" => await BroadcastAsync(http, connections, Options.Int(args, "--events", 1000)),
            "stalled" => await StalledAsync(http, address, connections, Options.Int(args, "--events", 20000)),
            _ => 2,
        };
    }

    private static async Task<List<(HttpResponseMessage Response, SseReader Reader)>> OpenAsync(HttpClient http, int count, int parallel = 200)
    {
        var result = new (HttpResponseMessage, SseReader)[count];
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (i, ct) =>
        {
            HttpResponseMessage response = await http.GetAsync("/events", HttpCompletionOption.ResponseHeadersRead, ct);
            response.EnsureSuccessStatusCode();
            result[i] = (response, new SseReader(await response.Content.ReadAsStreamAsync(ct)));
        });
        return [.. result];
    }

    private static async Task<int> IdleAsync(HttpClient http, int connections, int holdSeconds, int heartbeatSeconds)
    {
        var clock = Stopwatch.StartNew();
        var open = await OpenAsync(http, connections);
        Console.WriteLine($"connected {connections:N0} in {clock.Elapsed.TotalSeconds:0.0} s; holding {holdSeconds} s");
        using var hold = new CancellationTokenSource(TimeSpan.FromSeconds(holdSeconds));
        int errors = 0;
        int[] heartbeats = new int[connections];
        await Parallel.ForEachAsync(Enumerable.Range(0, connections), new ParallelOptions { MaxDegreeOfParallelism = connections }, async (i, _) =>
        {
            try
            {
                while (true)
                {
                    SseItemKind kind = await open[i].Reader.ReadItemAsync(hold.Token);
                    if (kind == SseItemKind.Comment)
                    {
                        heartbeats[i]++;
                    }
                    else if (kind == SseItemKind.None)
                    {
                        Interlocked.Increment(ref errors);
                        return;
                    }
                }
            }
            catch (OperationCanceledException) when (hold.IsCancellationRequested)
            {
            }
            catch (Exception)
            {
                Interlocked.Increment(ref errors);
            }
        });

        int expected = holdSeconds / heartbeatSeconds - 1;
        Console.WriteLine($"held {connections:N0} connections {holdSeconds} s: {errors} errors; heartbeats per connection min {heartbeats.Min()}, max {heartbeats.Max()} (about {holdSeconds / heartbeatSeconds} expected)");
        foreach (var (response, reader) in open)
        {
            reader.Dispose();
            response.Dispose();
        }

        return errors == 0 && heartbeats.Min() >= expected ? 0 : 1;
    }

    private static async Task<int> BroadcastAsync(HttpClient http, int connections, int events)
    {
        var open = await OpenAsync(http, connections);
        Console.WriteLine($"connected {connections:N0}; publishing {events:N0} events of 64 bytes");
        long gaps = 0;
        var clock = Stopwatch.StartNew();
        Task<string> publish = http.PostAsync($"/publish?count={events}&size=64", null).ContinueWith(t => t.Result.Content.ReadAsStringAsync()).Unwrap();
        await Parallel.ForEachAsync(Enumerable.Range(0, connections), new ParallelOptions { MaxDegreeOfParallelism = connections }, async (i, ct) =>
        {
            long last = 0;
            SseReader reader = open[i].Reader;
            while (last < events && await reader.ReadAsync(ct))
            {
                long id = long.Parse(reader.Current.LastEventIdUtf8, CultureInfo.InvariantCulture);
                if (id != last + 1)
                {
                    Interlocked.Increment(ref gaps);
                }

                last = id;
            }
        });
        double seconds = clock.Elapsed.TotalSeconds;
        string publishMs = await publish;
        long deliveries = (long)connections * events;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"broadcast: {deliveries:N0} deliveries in {seconds:0.00} s = {deliveries / seconds:N0} events/s delivered ({events / seconds:N0} published events/s fanned out to {connections:N0}); publishing took {double.Parse(publishMs, CultureInfo.InvariantCulture):0} ms; {gaps} gaps"));
        foreach (var (response, reader) in open)
        {
            reader.Dispose();
            response.Dispose();
        }

        return gaps == 0 ? 0 : 1;
    }

    private static async Task<int> StalledAsync(HttpClient http, Uri address, int connections, int events)
    {
        // A raw connection that sends its request and never reads a byte of the response.
        using var stalled = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        stalled.ReceiveBufferSize = 4096;
        await stalled.ConnectAsync(IPAddress.Loopback, address.Port);
        await stalled.SendAsync(Encoding.ASCII.GetBytes($"GET /events HTTP/1.1\r\nHost: 127.0.0.1:{address.Port}\r\nAccept: text/event-stream\r\n\r\n"));

        var open = await OpenAsync(http, connections);
        Console.WriteLine($"connected 1 stalled + {connections} reading; publishing {events:N0} events of 1 KiB paced at about 2 per millisecond");
        var clock = Stopwatch.StartNew();
        Task<string> publish = http.PostAsync($"/publish?count={events}&size=1024&batch=2", null).ContinueWith(t => t.Result.Content.ReadAsStringAsync()).Unwrap();
        long gaps = 0, received = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, connections), new ParallelOptions { MaxDegreeOfParallelism = connections }, async (i, ct) =>
        {
            long last = 0;
            SseReader reader = open[i].Reader;
            while (last < events && await reader.ReadAsync(ct))
            {
                long id = long.Parse(reader.Current.LastEventIdUtf8, CultureInfo.InvariantCulture);
                if (id != last + 1)
                {
                    Interlocked.Increment(ref gaps);
                }

                last = id;
                Interlocked.Increment(ref received);
            }
        });
        await publish;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"stalled: the {connections} readers got {received:N0} of {(long)connections * events:N0} events in {clock.Elapsed.TotalSeconds:0.0} s with {gaps} gaps, while one client read nothing ({events / 1024.0:0.0} MiB sent its way)"));

        // Keep the stalled connection open while the orchestrator reads the server's memory.
        await Task.Delay(3000);
        foreach (var (response, reader) in open)
        {
            reader.Dispose();
            response.Dispose();
        }

        return gaps == 0 && received == (long)connections * events ? 0 : 1;
    }
}

using System.Diagnostics;
using System.Globalization;
using SseCodec.Client;
using SseCodec.Server;

namespace SseCodec.Cli;

/// <summary>
/// <c>sse demo [--events N] [--size BYTES] [--no-reconnect] [--warmup MS | --no-warmup]</c>: starts the server on
/// loopback and a client against it, streams events through both (dropping and resuming the connection halfway
/// through Last-Event-ID), and prints what arrived, the rate, and where the time went.
/// </summary>
/// <remarks>
/// The client is SseCodec.Client's <see cref="SseClient"/>; <see cref="SseClient.Restart"/> drops the connection and
/// it reconnects with <c>Last-Event-ID</c>, as a browser's EventSource would. The measured pass comes after warm-up
/// passes: the first pass of a process runs while the JIT is still compiling (unoptimized code first, optimized code
/// later), which measures the JIT rather than the library.
/// </remarks>
internal static class DemoCommand
{
    /// <summary>
    /// How long the warm-up runs by default. Measured on 2 shared cores, the CPU time of a pass kept falling for several
    /// seconds (tiered compilation with dynamic PGO recompiles hot methods in stages): after 2 s the measured pass ran
    /// at 0.3-0.6 M events/s, after 8 s at 0.65-1.0 M.
    /// </summary>
    private static readonly TimeSpan DefaultWarmup = TimeSpan.FromSeconds(8);

    public static async Task<int> RunAsync(ReadOnlyMemory<string> args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        int count = 100_000;
        int size = 32;
        bool reconnect = true;
        TimeSpan warmup = DefaultWarmup;
        var reader = new ArgumentReader(args.Span);
        while (reader.TryNext(out string arg))
        {
            switch (arg)
            {
                case "--events": count = reader.PositiveInt(arg); break;
                case "--size": size = reader.PositiveInt(arg); break;
                case "--no-reconnect": reconnect = false; break;
                case "--warmup": warmup = TimeSpan.FromMilliseconds(reader.PositiveInt(arg)); break;
                case "--no-warmup": warmup = TimeSpan.Zero; break;
                default: throw new UsageException($"unexpected argument '{arg}'");
            }
        }

        SseHub? current = null;
        var options = new SseStreamOptions { ReconnectionTime = TimeSpan.FromMilliseconds(100), FlushPolicy = SseFlushPolicy.Coalesce(TimeSpan.FromMilliseconds(5)) };
        DemoServer server = await DemoServer.StartAsync(null, () => Volatile.Read(ref current) ?? throw new InvalidOperationException("no demo pass is running"), options, cancellationToken);
        await using (server)
        {
            var events = new Uri(new Uri(server.Addresses[0]), "/events");
            void Install(SseHub hub) => Volatile.Write(ref current, hub);

            await stdout.WriteLineAsync($"server: {events} (Kestrel; an SseCodec.Server hub per pass, with a history of {count:N0} events)");
            await stdout.WriteLineAsync($"client: SseCodec.Client SseClient over HttpClient; {count:N0} events of {size} bytes of data per pass");

            Task<DemoPassResult> RunPassAsync(TextWriter? narration) =>
                DemoPass.RunAsync(events, Install, count, size, reconnect, narration, cancellationToken);

            // The first pass tells its first events and the drop as they happen; the passes after it are silent.
            var clock = Stopwatch.StartNew();
            DemoPassResult result = await RunPassAsync(stdout);
            string when = "without warm-up (the JIT compiling as it goes)";
            if (warmup > TimeSpan.Zero)
            {
                when = "in the first pass (the JIT compiling as it goes)";
                if (result.IsComplete)
                {
                    await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"warm-up pass 1 (the JIT compiling as it goes): {result.EventsPerSecond:N0} events/s; ids 1..{result.LastId:N0} with no gap and no duplicate"));
                    await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"warm-up: more passes, silent, for {warmup.TotalSeconds:0.#} s in all, while the runtime recompiles the hot methods optimized (--warmup MS to change)"));
                }

                // Passes until the time is up: tiered compilation replaces the unoptimized code of hot methods after
                // they have run for a while, on a background thread.
                int passes = 1;
                while (result.IsComplete && clock.Elapsed < warmup)
                {
                    result = await RunPassAsync(null);
                    when = $"in warm-up pass {++passes}";
                }

                if (result.IsComplete)
                {
                    await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"warm-up: {passes} pass(es) in {clock.Elapsed.TotalSeconds:0.0} s; then the measured pass, the same again:"));

                    // The warm-up's hubs and histories are garbage now: collect them before, not during, the measured pass.
                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                    result = await RunPassAsync(null);
                    when = "after the warm-up";
                }
            }

            await stdout.WriteLineAsync(Describe(result, when));
            return result.IsComplete ? SseCommand.ExitOk : SseCommand.ExitDataError;
        }
    }

    /// <summary>The pass's result, what its rate measures, where its time went, and how much CPU the process had.</summary>
    /// <param name="r">The pass.</param>
    /// <param name="when">Which pass it was: after the warm-up, without one, or the warm-up pass that failed.</param>
    private static string Describe(DemoPassResult r, string when)
    {
        string verdict = r.IsComplete
            ? "no gap and no duplicate"
            : $"{r.Missing:N0} missing, {r.Unexpected:N0} repeated or out of order{(r.Stalled ? "; the pass gave up waiting for the rest" : string.Empty)}";
        string reconnect = r.ReconnectPause > TimeSpan.Zero
            ? $", reconnect pause {r.ReconnectPause.TotalMilliseconds:0.0} ms (from the drop to the first event on the new connection)"
            : string.Empty;
        int cores = Environment.ProcessorCount;
        return string.Create(CultureInfo.InvariantCulture, $"""
            received {r.Received:N0} events ({r.DataBytes / 1e6:0.0} MB of data) in {r.Delivery.TotalSeconds:0.000} s over {r.Connections} connection(s): {r.EventsPerSecond:N0} events/s; ids 1..{r.LastId:N0} with {verdict}
              the rate: events published by SseHub.Publish (one thread), written by the hub into Kestrel's response, sent over loopback TCP
                and parsed by SseClient, from the first Publish to the last event read, {(r.ReconnectPause > TimeSpan.Zero ? "the reconnect included, " : string.Empty)}{when}
              time: publishing {r.Publishing.TotalSeconds:0.000} s (all {r.Count:N0} Publish calls, while delivery runs), delivery {r.Delivery.TotalSeconds:0.000} s{reconnect}
              CPU: server and client share {cores} core(s): the process used {r.Cpu.TotalSeconds:0.00} s of CPU during the delivery, of the {r.Delivery.TotalSeconds * cores:0.00} s they offer (less when the machine is busy)
            """);
    }
}

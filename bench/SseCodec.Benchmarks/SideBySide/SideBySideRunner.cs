using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime;
using System.Runtime.Intrinsics;

namespace SseCodec.Benchmarks.SideBySide;

/// <summary>
/// Runs each scenario's contenders side by side in one process: the contenders warmed up in turns until the JIT has
/// compiled nothing for a second (tiered JIT, dynamic PGO and on-stack replacement take seconds), then rounds in which
/// each contender in turn reads the stream for about one round's length (the
/// order reversed every other round, so a drift in machine load falls on both), then one round's worth of runs to
/// count allocation. Reports the median ns/event with its range over rounds, B/event, and for each SseParser
/// contender its time over each SseCodec contender's, paired round by round: the speed-up. This is the tool to iterate
/// with on a noisy machine; the BenchmarkDotNet classes give the official figures.
/// </summary>
public static class SideBySideRunner
{
    private static long s_sink;

    public static int Run(IReadOnlyList<string> args)
    {
        SideBySideOptions options = SideBySideOptions.Parse(args);
        LoopbackServer? server = null;
        IReadOnlyList<Scenario> scenarios = ScenarioCatalog.All(() =>
            server ??= LoopbackServer.StartAsync(ScenarioCatalog.LoopbackStreams()).GetAwaiter().GetResult());
        Scenario[] selected = [.. scenarios.Where(options.Selects)];

        if (options.List)
        {
            foreach (Scenario scenario in scenarios)
            {
                Console.WriteLine($"{scenario.Name,-22} {scenario.Description}");
            }

            return 0;
        }

        if (selected.Length == 0)
        {
            Console.Error.WriteLine($"sidebyside: no scenario matches {string.Join(", ", options.Filters)}; --list shows them.");
            return 1;
        }

        var ratios = new List<RatioRow>();
        try
        {
            if (options.Only is not null)
            {
                // A child of --isolate: the parent printed the header and prints the summary.
                ratios.AddRange(Measure(selected[0], options));
                foreach (RatioRow row in ratios)
                {
                    Console.WriteLine(row.ToLine());
                }

                return 0;
            }

            PrintHeader(args, options, selected.Length);
            foreach (Scenario scenario in selected)
            {
                ratios.AddRange(options.Isolate ? MeasureInChildren(scenario, options) : Measure(scenario, options));
            }

            PrintSummary(ratios);
            Console.WriteLine($"load average at the end: {LoadAverage()}");
            return 0;
        }
        finally
        {
            server?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private static List<RatioRow> Measure(Scenario scenario, SideBySideOptions options)
    {
        Console.WriteLine();
        Console.WriteLine($"== {scenario.Name}: {scenario.Description}");

        // Every contender must see the same events, or the comparison means nothing.
        Readers.AssertSame(scenario.Name, [.. scenario.Contenders.Select(c => c.Run())]);

        int count = scenario.Contenders.Count;
        var runsPerRound = new int[count];
        WarmUp(scenario.Contenders, options.WarmupSeconds);
        for (int i = 0; i < count; i++)
        {
            double secondsPerRun = TimePerRun(scenario.Contenders[i]);
            runsPerRound[i] = Math.Max(1, (int)Math.Round(options.RoundMilliseconds / 1000 / secondsPerRun));
        }

        long compiledBeforeRounds = JitInfo.GetCompiledMethodCount();

        int rounds = options.Rounds;
        var nanoseconds = new double[count][];
        for (int i = 0; i < count; i++)
        {
            nanoseconds[i] = new double[rounds];
        }

        GC.Collect();
        GC.WaitForPendingFinalizers();
        for (int round = 0; round < rounds; round++)
        {
            for (int turn = 0; turn < count; turn++)
            {
                int i = round % 2 == 0 ? turn : count - 1 - turn;
                Func<long> run = scenario.Contenders[i].Run;
                long start = Stopwatch.GetTimestamp();
                for (int n = 0; n < runsPerRound[i]; n++)
                {
                    s_sink += run();
                }

                double elapsed = (Stopwatch.GetTimestamp() - start) * (1e9 / Stopwatch.Frequency);
                nanoseconds[i][round] = elapsed / ((double)runsPerRound[i] * scenario.Events);
            }
        }

        long compiledInRounds = JitInfo.GetCompiledMethodCount() - compiledBeforeRounds;
        if (compiledInRounds > 0)
        {
            // A method compiled while the rounds ran may have changed some contender's code between rounds.
            Console.WriteLine($"   note: the JIT compiled {compiledInRounds} method(s) during the rounds");
        }

        var results = new ContenderResult[count];
        for (int i = 0; i < count; i++)
        {
            results[i] = new ContenderResult(scenario.Contenders[i], nanoseconds[i], BytesPerEvent(scenario, scenario.Contenders[i], runsPerRound[i]), runsPerRound[i]);
        }

        Console.WriteLine($"   {scenario.Events:N0} events, {scenario.Bytes:N0} bytes per run; {rounds} rounds; time: median [min-max over rounds]");
        foreach (ContenderResult result in results)
        {
            string throughput = scenario.ShowThroughput ? $"  {scenario.Bytes / (result.Median * scenario.Events):0.00} GB/s" : "";
            string allocation = result.Contender.CrossesThreads ? "B/event (process)" : "B/event";
            string range = $"[{Nanoseconds(result.Min)}-{Nanoseconds(result.Max)}]";
            Console.WriteLine(
                $"   {result.Contender.Side,-9}  {result.Contender.Name,-40} {Nanoseconds(result.Median),9} ns/event {range,-19}"
                + $" {result.BytesPerEvent,8:0.000} {allocation}{throughput}");
        }

        List<RatioRow> ratios = Ratios(scenario, results);
        foreach (RatioRow row in ratios)
        {
            Console.WriteLine($"   ratio      {row.Slower + " / " + row.Faster,-68} x{row.Median:0.00} [{row.Min:0.00}-{row.Max:0.00}]");
        }

        return ratios;
    }

    /// <summary>Each SseParser contender over each SseCodec contender; each SseCodec and SseParser contender over the bound.</summary>
    private static List<RatioRow> Ratios(Scenario scenario, ContenderResult[] results)
    {
        var rows = new List<RatioRow>();
        IEnumerable<(ContenderResult Slower, ContenderResult Faster)> pairs =
            from parser in results.Where(r => r.Contender.Side == Side.SseParser)
            from codec in results.Where(r => r.Contender.Side == Side.SseCodec)
            select (parser, codec);
        pairs = pairs.Concat(
            from bound in results.Where(r => r.Contender.Side == Side.Bound)
            from other in results.Where(r => r.Contender.Side != Side.Bound)
            select (other, bound));
        foreach ((ContenderResult slower, ContenderResult faster) in pairs)
        {
            double[] perRound = [.. slower.NanosecondsPerEvent.Zip(faster.NanosecondsPerEvent, (s, f) => s / f)];
            rows.Add(new RatioRow(scenario.Name, slower.Contender.Name, faster.Contender.Name, Statistics.Median(perRound), perRound.Min(), perRound.Max()));
        }

        return rows;
    }

    // The warm-up ends once the JIT has compiled nothing for this long: tiering (tier 0, instrumented, tier 1, on-stack
    // replacement) takes seconds, and a step down in time per event can come well after the first seconds.
    private const double JitQuietSeconds = 1.0;
    private const double MaxWarmupSeconds = 60;
    private const double WarmupSliceSeconds = 0.05;

    /// <summary>
    /// Runs the contenders in turn, a slice of time each, for at least <paramref name="minSeconds"/> and until the JIT has
    /// compiled no method for <see cref="JitQuietSeconds"/>, so that every contender is measured in its final code.
    /// </summary>
    private static void WarmUp(IReadOnlyList<Contender> contenders, double minSeconds)
    {
        long start = Stopwatch.GetTimestamp();
        long compiled = JitInfo.GetCompiledMethodCount();
        long compiledAtStart = compiled;
        long lastCompile = start;
        while (true)
        {
            foreach (Contender contender in contenders)
            {
                long sliceStart = Stopwatch.GetTimestamp();
                do
                {
                    s_sink += contender.Run();
                    long now = JitInfo.GetCompiledMethodCount();
                    if (now != compiled)
                    {
                        compiled = now;
                        lastCompile = Stopwatch.GetTimestamp();
                    }
                }
                while (Stopwatch.GetElapsedTime(sliceStart).TotalSeconds < WarmupSliceSeconds);
            }

            double elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
            bool quiet = Stopwatch.GetElapsedTime(lastCompile).TotalSeconds >= JitQuietSeconds;
            if ((elapsed >= minSeconds && quiet) || elapsed >= MaxWarmupSeconds)
            {
                string state = quiet ? $"the JIT quiet for {JitQuietSeconds:0.0} s" : "the JIT still compiling (results may mix tiers)";
                Console.WriteLine(
                    $"   warm-up: {elapsed:0.0} s, {compiled - compiledAtStart} method(s) compiled,"
                    + $" the last {Stopwatch.GetElapsedTime(start, lastCompile).TotalSeconds:0.0} s in; {state}");
                return;
            }
        }
    }

    /// <summary>The contender's time per run, over a quarter second or so of runs.</summary>
    private static double TimePerRun(Contender contender)
    {
        long start = Stopwatch.GetTimestamp();
        int runs = 0;
        do
        {
            s_sink += contender.Run();
            runs++;
        }
        while (Stopwatch.GetElapsedTime(start).TotalSeconds < 0.25);

        return Stopwatch.GetElapsedTime(start).TotalSeconds / runs;
    }

    private static double BytesPerEvent(Scenario scenario, Contender contender, int runs)
    {
        long before = contender.CrossesThreads ? GC.GetTotalAllocatedBytes(precise: true) : GC.GetAllocatedBytesForCurrentThread();
        for (int n = 0; n < runs; n++)
        {
            s_sink += contender.Run();
        }

        long after = contender.CrossesThreads ? GC.GetTotalAllocatedBytes(precise: true) : GC.GetAllocatedBytesForCurrentThread();
        return (after - before) / ((double)runs * scenario.Events);
    }

    /// <summary>
    /// Measures the scenario in <see cref="SideBySideOptions.Launches"/> fresh processes, one after another. With more
    /// than one, each ratio becomes the median of the processes' medians, its range the lowest and highest of those
    /// medians: the spread between processes, which on a VM is larger than the spread between rounds of one process.
    /// </summary>
    private static List<RatioRow> MeasureInChildren(Scenario scenario, SideBySideOptions options)
    {
        if (options.Launches == 1)
        {
            return MeasureInChild(scenario, options);
        }

        var launches = new List<List<RatioRow>>();
        for (int launch = 1; launch <= options.Launches; launch++)
        {
            Console.WriteLine();
            Console.WriteLine($"-- {scenario.Name}: process {launch} of {options.Launches}");
            launches.Add(MeasureInChild(scenario, options));
        }

        var combined = new List<RatioRow>();
        foreach (RatioRow first in launches[0])
        {
            double[] medians = [.. launches.Select(rows => rows.Single(r => r.Slower == first.Slower && r.Faster == first.Faster).Median)];
            var row = new RatioRow(first.Scenario, first.Slower, first.Faster, Statistics.Median(medians), medians.Min(), medians.Max());
            Console.WriteLine(
                $"   over {medians.Length} processes  {row.Slower + " / " + row.Faster,-60} x{row.Median:0.00} [{row.Min:0.00}-{row.Max:0.00}]"
                + $"  (per process: {string.Join(", ", medians.Select(m => m.ToString("0.00", CultureInfo.InvariantCulture)))})");
            combined.Add(row);
        }

        return combined;
    }

    private static List<RatioRow> MeasureInChild(Scenario scenario, SideBySideOptions options)
    {
        var start = new ProcessStartInfo { RedirectStandardOutput = true, UseShellExecute = false };
        string host = Environment.ProcessPath!;
        start.FileName = host;
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            start.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        }

        foreach (string argument in options.ChildArguments(scenario.Name))
        {
            start.ArgumentList.Add(argument);
        }

        // Unless the caller chose a delay, the child reaches its final code within the warm-up (see JitTiering).
        if (Environment.GetEnvironmentVariable(JitTiering.CallCountingDelayVariable) is null)
        {
            start.Environment[JitTiering.CallCountingDelayVariable] = JitTiering.CallCountingDelay;
        }

        var rows = new List<RatioRow>();
        using Process child = Process.Start(start)!;
        while (child.StandardOutput.ReadLine() is { } line)
        {
            if (RatioRow.TryParse(line, out RatioRow? row))
            {
                rows.Add(row!);
            }
            else
            {
                Console.WriteLine(line);
            }
        }

        child.WaitForExit();
        if (child.ExitCode != 0)
        {
            throw new InvalidOperationException($"sidebyside: the child process for {scenario.Name} exited with {child.ExitCode}");
        }

        return rows;
    }

    private static void PrintHeader(IReadOnlyList<string> args, SideBySideOptions options, int scenarios)
    {
        string arguments = string.Join(' ', args.Select(a => a.Contains(' ', StringComparison.Ordinal) || a.Contains('*', StringComparison.Ordinal) ? $"'{a}'" : a));
        Console.WriteLine($"command: {BenchmarkHost.RunCommand} sidebyside {arguments}".TrimEnd());
        Console.WriteLine($"runtime: {BenchmarkHost.Runtime}");
        Console.WriteLine($"contender: {BenchmarkHost.Contender}");
        Console.WriteLine(
            $"machine: {Environment.ProcessorCount} logical cores, Vector512 {(Vector512.IsHardwareAccelerated ? "yes" : "no")}, Vector256 {(Vector256.IsHardwareAccelerated ? "yes" : "no")};"
            + $" GC {(GCSettings.IsServerGC ? "server" : "workstation")}; TieredPGO {AppContext.GetData("System.Runtime.TieredPGO") ?? "default (on)"};"
            + $" {(options.Isolate && Environment.GetEnvironmentVariable(JitTiering.CallCountingDelayVariable) is null ? $"children: call-counting delay {JitTiering.CallCountingDelay} ms" : JitTiering.Describe())}; load average {LoadAverage()}");
        Console.WriteLine($"source: {GitDescription()}; SseCodec {OptimizationOf(typeof(SseDecoder).Assembly)}, benchmarks {OptimizationOf(typeof(SideBySideRunner).Assembly)}");
        Console.WriteLine(
            $"method: {scenarios} scenario(s){(options.Launches > 1 ? $", each in {options.Launches} processes of its own, one after another" : options.Isolate ? ", each in its own process" : ", all in this process")}; contenders warmed in turns for at least {options.WarmupSeconds.ToString(CultureInfo.InvariantCulture)} s and until the JIT compiled nothing for {JitQuietSeconds:0.0} s,"
            + $" then {options.Rounds} rounds of ~{options.RoundMilliseconds.ToString(CultureInfo.InvariantCulture)} ms each, contenders alternating (order reversed every other round)");
        Console.WriteLine(options.Launches > 1
            ? $"ratio: slower / faster time per event, paired round by round; the summary gives the median of {options.Launches} processes' medians [lowest-highest of them]; 'SseParser... / SseCodec...' is SseCodec's speed-up"
            : "ratio: slower / faster time per event, paired round by round: median [min-max]; 'SseParser... / SseCodec...' is SseCodec's speed-up");
    }

    private static void PrintSummary(List<RatioRow> ratios)
    {
        Console.WriteLine();
        Console.WriteLine("== summary: speed-ups (SseParser time / SseCodec time) and distances to the bound (time / speed-of-light time)");
        foreach (RatioRow row in ratios)
        {
            Console.WriteLine($"   {row.Scenario,-20} {row.Slower + " / " + row.Faster,-72} x{row.Median:0.00} [{row.Min:0.00}-{row.Max:0.00}]");
        }
    }

    private static string Nanoseconds(double value) =>
        value.ToString(value >= 1000 ? "N0" : value >= 100 ? "0.0" : "0.00", CultureInfo.InvariantCulture);

    private static string OptimizationOf(Assembly assembly) =>
        assembly.GetCustomAttribute<DebuggableAttribute>()?.IsJITOptimizerDisabled == true ? "NOT OPTIMIZED (Debug build: figures meaningless)" : "optimized";

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
        catch (UnauthorizedAccessException)
        {
            return "unknown";
        }
    }

    private static string GitDescription()
    {
        try
        {
            using Process? git = Process.Start(new ProcessStartInfo("git", "describe --always --dirty --abbrev=10")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (git is null)
            {
                return "unknown";
            }

            string description = git.StandardOutput.ReadToEnd().Trim();
            git.WaitForExit();
            return git.ExitCode == 0 ? $"commit {description}" : "unknown (not a git checkout)";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "unknown (no git)";
        }
    }
}

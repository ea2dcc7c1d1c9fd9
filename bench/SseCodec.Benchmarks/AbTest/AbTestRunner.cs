using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using SseCodec.Benchmarks.SideBySide;

namespace SseCodec.Benchmarks.AbTest;

/// <summary>
/// Two builds of SseCodec in one process, each workload timed in rounds that alternate between them: the machine's
/// drift then falls on both alike, which lets a change of a few per cent be told apart on a shared VM where separate
/// runs move by 20 %. Several processes, the build loaded first alternating, because load order and code placement
/// alone move one process by up to 4 % (the same build against itself). For deciding whether a change helps; the
/// published figures come from BenchmarkDotNet.
/// </summary>
public static class AbTestRunner
{
    // Calls per timed turn: a few, so that a round stays well under the timer's and the scheduler's noise.
    private const int CallsPerTurn = 3;

    private const string ResultPrefix = "ab-result ";

    public static int Run(IReadOnlyList<string> args)
    {
        AbTestOptions options;
        try
        {
            options = AbTestOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            return 1;
        }

        if (options.Child)
        {
            MeasureInThisProcess(options);
            return 0;
        }

        Console.WriteLine($"// A: {options.DirectoryA}");
        Console.WriteLine($"// B: {options.DirectoryB}");
        Console.WriteLine($"// {options.Launches} processes, {options.WarmupSeconds} s warm-up and {options.Seconds} s measured each; call-counting delay {JitTiering.CallCountingDelay} ms ({JitTiering.CallCountingDelayVariable})");
        var ratios = options.Workloads.ToDictionary(w => w, _ => new List<double>());
        for (int launch = 0; launch < options.Launches; launch++)
        {
            bool aFirst = launch % 2 == 0;
            Console.WriteLine($"-- process {launch + 1} of {options.Launches}: {(aFirst ? "A" : "B")} loaded first");
            foreach ((string workload, double firstOverSecond) in Launch(options, aFirst))
            {
                // Always A's time over B's: above 1, B is faster.
                ratios[workload].Add(aFirst ? firstOverSecond : 1 / firstOverSecond);
            }
        }

        Console.WriteLine("== time of A / time of B, the median of each process's rounds (above 1: B is faster)");
        foreach ((string workload, List<double> perProcess) in ratios)
        {
            double[] sorted = [.. perProcess.Order()];
            Console.WriteLine(
                $"   {workload,-40} x{Statistics.Median(sorted):0.000} [{sorted[0]:0.000}-{sorted[^1]:0.000}]"
                + $"  (per process: {string.Join(", ", perProcess.Select(r => r.ToString("0.000", CultureInfo.InvariantCulture)))})");
        }

        return 0;
    }

    private static List<(string Workload, double Ratio)> Launch(AbTestOptions options, bool aFirst)
    {
        var start = new ProcessStartInfo { RedirectStandardOutput = true, UseShellExecute = false };
        string host = Environment.ProcessPath!;
        start.FileName = host;
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            start.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        }

        IEnumerable<string> arguments = aFirst
            ? options.ChildArguments(options.DirectoryA, options.DirectoryB)
            : options.ChildArguments(options.DirectoryB, options.DirectoryA);
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        if (Environment.GetEnvironmentVariable(JitTiering.CallCountingDelayVariable) is null)
        {
            start.Environment[JitTiering.CallCountingDelayVariable] = JitTiering.CallCountingDelay;
        }

        var results = new List<(string, double)>();
        using Process child = Process.Start(start)!;
        while (child.StandardOutput.ReadLine() is { } line)
        {
            if (line.StartsWith(ResultPrefix, StringComparison.Ordinal))
            {
                string[] fields = line[ResultPrefix.Length..].Split(' ');
                results.Add((fields[0], double.Parse(fields[1], CultureInfo.InvariantCulture)));
            }
            else
            {
                Console.WriteLine(line);
            }
        }

        child.WaitForExit();
        return child.ExitCode == 0 ? results : throw new InvalidOperationException($"ab: a child process exited with {child.ExitCode}");
    }

    private static void MeasureInThisProcess(AbTestOptions options)
    {
        var first = new BuildUnderTest(options.DirectoryA);
        var second = new BuildUnderTest(options.DirectoryB);
        Action[] firsts = [.. options.Workloads.Select(first.Bind)];
        Action[] seconds = [.. options.Workloads.Select(second.Bind)];
        var ratios = options.Workloads.Select(_ => new List<double>()).ToArray();
        var timesFirst = options.Workloads.Select(_ => new List<double>()).ToArray();
        var timesSecond = options.Workloads.Select(_ => new List<double>()).ToArray();

        var clock = Stopwatch.StartNew();
        double end = options.WarmupSeconds + options.Seconds;
        for (int round = 0; clock.Elapsed.TotalSeconds < end; round++)
        {
            bool counted = clock.Elapsed.TotalSeconds >= options.WarmupSeconds;
            for (int w = 0; w < firsts.Length; w++)
            {
                // Within a round the order alternates too, so neither build always runs on the other's warm caches.
                double a, b;
                if (round % 2 == 0)
                {
                    a = Time(firsts[w]);
                    b = Time(seconds[w]);
                }
                else
                {
                    b = Time(seconds[w]);
                    a = Time(firsts[w]);
                }

                if (counted)
                {
                    ratios[w].Add(a / b);
                    timesFirst[w].Add(a);
                    timesSecond[w].Add(b);
                }
            }
        }

        for (int w = 0; w < firsts.Length; w++)
        {
            string workload = options.Workloads[w];
            double perEvent = CallsPerTurn * BuildUnderTest.EventsPerCall(workload) / 1e9;
            Console.WriteLine(
                $"   {workload,-40} loaded first {Statistics.Median(timesFirst[w]) / perEvent:0.00} ns/event, "
                + $"second {Statistics.Median(timesSecond[w]) / perEvent:0.00} ns/event, {ratios[w].Count} rounds");
            Console.WriteLine(FormattableString.Invariant($"{ResultPrefix}{workload} {Statistics.Median(ratios[w])}"));
        }
    }

    private static double Time(Action call)
    {
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < CallsPerTurn; i++)
        {
            call();
        }

        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }
}

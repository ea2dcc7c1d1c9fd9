using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using SseCodec.Benchmarks.AbTest;
using SseCodec.Benchmarks.Backplane;
using SseCodec.Benchmarks.SideBySide;

namespace SseCodec.Benchmarks;

public static class Program
{
    // dotnet run -c Release --project bench/SseCodec.Benchmarks -- --filter '*'           BenchmarkDotNet, the official figures
    // dotnet run -c Release --project bench/SseCodec.Benchmarks -- sidebyside [options]   in-process interleaved, to iterate with
    // dotnet run -c Release --project bench/SseCodec.Benchmarks -- backplane [options]    publish-to-delivery: one hub, then two nodes on Redis
    // dotnet run -c Release --project bench/SseCodec.Benchmarks -- ab DIR_A DIR_B ...     two builds in one process, to judge a change (bench/ab.sh)
    // dotnet run -c Release --project bench/SseCodec.Benchmarks.Net8 -- (either of them)  the same on .NET 8 (bench/README.md)
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "sidebyside")
        {
            return SideBySideRunner.Run(args[1..]);
        }

        if (args.Length > 0 && args[0] == "ab")
        {
            return AbTestRunner.Run(args[1..]);
        }

        if (args.Length > 0 && args[0] == "backplane")
        {
            return BackplaneRunner.RunAsync(args[1..]).GetAwaiter().GetResult();
        }

        Console.WriteLine($"// runtime: {BenchmarkHost.Runtime}");
        Console.WriteLine($"// contender: {BenchmarkHost.Contender}");

        // Each class's generated project is built while other work may share the machine: BenchmarkDotNet's default of
        // 2 minutes per build is not enough there, and a build that times out runs nothing.
        ManualConfig config = ManualConfig.Create(DefaultConfig.Instance).WithBuildTimeout(TimeSpan.FromMinutes(10));
        if (!BenchmarkHost.IsSelfContained)
        {
            // Each benchmark process reaches its final code within the warm-up (JitTiering says why). A mutator adds
            // the setting to whatever job the command line picks.
            Console.WriteLine($"// benchmark processes: call-counting delay {JitTiering.CallCountingDelay} ms ({JitTiering.CallCountingDelayVariable})");
            config = config.AddJob(Job.Default.WithEnvironmentVariable(JitTiering.CallCountingDelayVariable, JitTiering.CallCountingDelay).AsMutator());
        }
        else
        {
            // In-process benchmarks run with this process's setting: start it with the variable to get the same.
            Console.WriteLine($"// {JitTiering.Describe()}");
        }

        if (BenchmarkHost.IsSelfContained)
        {
            // BenchmarkDotNet would build a project for this runtime and start it with `dotnet`, which has no such
            // runtime to start it on: every benchmark runs in this process, on the runtime this build brought. Its
            // results go to a folder of their own, so they never overwrite the net10.0 column's.
            Console.WriteLine("// every benchmark runs in this process (InProcessEmitToolchain), one after another");
            config = config
                .AddJob(new Job("InProcess").WithToolchain(InProcessEmitToolchain.Instance).AsMutator())
                .WithArtifactsPath(Path.Combine(DefaultConfig.Instance.ArtifactsPath, BenchmarkHost.TargetFramework));
        }

        IEnumerable<Summary> summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);

        // A benchmark that failed (a setup whose readers disagree, say) fails the run, so CI sees it.
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }
}

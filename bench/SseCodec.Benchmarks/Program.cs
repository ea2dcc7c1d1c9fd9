using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using SseCodec.Benchmarks.SideBySide;

namespace SseCodec.Benchmarks;

public static class Program
{
    // dotnet run -c Release --project bench/SseCodec.Benchmarks -- --filter '*'          BenchmarkDotNet, the official figures
    // dotnet run -c Release --project bench/SseCodec.Benchmarks -- sidebyside [options]  in-process interleaved, to iterate with
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "sidebyside")
        {
            return SideBySideRunner.Run(args[1..]);
        }

        // Each class's generated project is built while other work may share the machine: BenchmarkDotNet's default of
        // 2 minutes per build is not enough there, and a build that times out runs nothing.
        ManualConfig config = ManualConfig.Create(DefaultConfig.Instance).WithBuildTimeout(TimeSpan.FromMinutes(10));
        IEnumerable<Summary> summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);

        // A benchmark that failed (a setup whose readers disagree, say) fails the run, so CI sees it.
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }
}

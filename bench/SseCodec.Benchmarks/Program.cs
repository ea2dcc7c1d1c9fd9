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

        IEnumerable<BenchmarkDotNet.Reports.Summary> summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

        // A benchmark that failed (a setup whose readers disagree, say) fails the run, so CI sees it.
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }
}

using BenchmarkDotNet.Running;

namespace SseCodec.Benchmarks;

public static class Program
{
    // dotnet run -c Release --project bench/SseCodec.Benchmarks -- --filter '*'
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}

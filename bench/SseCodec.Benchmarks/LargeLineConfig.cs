using BenchmarkDotNet.Configs;

namespace SseCodec.Benchmarks;

/// <summary>Adds the GB/s column to <see cref="LargeLineEntryBenchmarks"/>.</summary>
public sealed class LargeLineConfig : ManualConfig
{
    public LargeLineConfig() => AddColumn(new ThroughputColumn(LargeLineEntryBenchmarks.BytesPerEvent));
}

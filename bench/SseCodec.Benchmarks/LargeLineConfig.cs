using BenchmarkDotNet.Configs;

namespace SseCodec.Benchmarks;

/// <summary>Adds the GB/s and unrounded bytes-per-event columns to <see cref="LargeLineEntryBenchmarks"/>.</summary>
public sealed class LargeLineConfig : ManualConfig
{
    public LargeLineConfig()
    {
        AddColumn(new ThroughputColumn(LargeLineEntryBenchmarks.BytesPerEvent));
        AddColumn(new AllocatedPerOperationColumn());
    }
}

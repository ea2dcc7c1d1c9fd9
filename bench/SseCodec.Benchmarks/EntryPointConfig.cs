using BenchmarkDotNet.Configs;

namespace SseCodec.Benchmarks;

/// <summary>The entry-point classes' extra column: unrounded bytes allocated per event.</summary>
public sealed class EntryPointConfig : ManualConfig
{
    public EntryPointConfig() => AddColumn(new AllocatedPerOperationColumn());
}

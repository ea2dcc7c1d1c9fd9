using BenchmarkDotNet.Attributes;

namespace SseCodec.Benchmarks;

/// <summary>
/// The synchronous core, <c>SseDecoder.TryReadEvent</c>, over the whole stream in memory as one
/// <c>ReadOnlySpan&lt;byte&gt;</c>, one <c>ReadOnlyMemory&lt;byte&gt;</c> and one single-segment
/// <c>ReadOnlySequence&lt;byte&gt;</c>, against SseParser's span mode over a <c>MemoryStream</c> of the same bytes
/// (SseParser takes only a Stream: this is the cheapest way to hand it bytes already in memory), the speed-of-light
/// bound (<see cref="SpeedOfLightParser"/>) over the same span and the per-event bound (<see cref="PerEventBound"/>),
/// the same pass with a read per event, over the same memory. Results are per event (10,000 events per invocation).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(EntryPointConfig))]
public class DecoderEntryBenchmarks
{
    private EventStreams _streams = EventStreams.Of(Shape.LlmTokens);

    [Params(Shape.LlmTokens, Shape.Ticker, Shape.MultiLine)]
    public Shape Shape { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _streams = EventStreams.Of(Shape);
        Readers.AssertSame(
            $"{nameof(DecoderEntryBenchmarks)}/{Shape}",
            SseParser_MemoryStream(),
            SseDecoder_Span(),
            SseDecoder_Memory(),
            SseDecoder_Sequence(),
            SpeedOfLight_Span(),
            PerEventBound_Memory());
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Inputs.SmallEventCount)]
    public long SseParser_MemoryStream() => EntryPoints.SseParserSync(_streams.Memory());

    [Benchmark(OperationsPerInvoke = Inputs.SmallEventCount)]
    public long SseDecoder_Span() => EntryPoints.DecoderSpan(_streams.Bytes);

    [Benchmark(OperationsPerInvoke = Inputs.SmallEventCount)]
    public long SseDecoder_Memory() => EntryPoints.DecoderMemory(_streams.Bytes);

    [Benchmark(OperationsPerInvoke = Inputs.SmallEventCount)]
    public long SseDecoder_Sequence() => EntryPoints.DecoderSequence(_streams.Sequence);

    /// <summary>Not a parser: the bound (see <see cref="SpeedOfLightParser"/>).</summary>
    [Benchmark(OperationsPerInvoke = Inputs.SmallEventCount)]
    public long SpeedOfLight_Span() => SpeedOfLightParser.Checksum(_streams.Bytes);

    /// <summary>Not a parser: the bound for a read per event (see <see cref="PerEventBound"/>).</summary>
    [Benchmark(OperationsPerInvoke = Inputs.SmallEventCount)]
    public long PerEventBound_Memory() => PerEventBound.Checksum(_streams.Bytes);
}

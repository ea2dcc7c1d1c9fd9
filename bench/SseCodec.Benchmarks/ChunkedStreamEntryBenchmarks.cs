using BenchmarkDotNet.Attributes;

namespace SseCodec.Benchmarks;

/// <summary>
/// <c>new SseReader(Stream)</c> against SseParser's span mode (<c>Enumerate</c>, the baseline, and
/// <c>EnumerateAsync</c>) over the same <see cref="ChunkedStream"/>: the whole event stream handed out in
/// pseudo-random 0.5–16 KiB chunks (fixed seed), at most one chunk per read, as a socket does. Results are per event
/// (10,000 events per invocation).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(EntryPointConfig))]
public class ChunkedStreamEntryBenchmarks
{
    private EventStreams _streams = EventStreams.Of(Shape.LlmTokens);

    [Params(Shape.LlmTokens, Shape.Ticker, Shape.MultiLine)]
    public Shape Shape { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _streams = EventStreams.Of(Shape);
        Readers.AssertSame(
            $"{nameof(ChunkedStreamEntryBenchmarks)}/{Shape}",
            SseParser_Enumerate(),
            SseParser_EnumerateAsync().AsTask().GetAwaiter().GetResult(),
            SseReader_Stream().AsTask().GetAwaiter().GetResult());
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Inputs.SmallEventCount)]
    public long SseParser_Enumerate() => EntryPoints.SseParserSync(_streams.Chunked());

    [Benchmark(OperationsPerInvoke = Inputs.SmallEventCount)]
    public ValueTask<long> SseParser_EnumerateAsync() => EntryPoints.SseParserAsync(_streams.Chunked());

    [Benchmark(OperationsPerInvoke = Inputs.SmallEventCount)]
    public ValueTask<long> SseReader_Stream() => EntryPoints.ReaderStream(_streams.Chunked());
}

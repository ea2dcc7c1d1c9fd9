using BenchmarkDotNet.Attributes;

namespace SseCodec.Benchmarks;

/// <summary>
/// <c>new SseReader(Stream)</c> with <c>ReadAsync</c>/<c>Current</c> against SseParser's span mode, synchronous
/// (<c>Enumerate</c>, the baseline) and asynchronous (<c>EnumerateAsync</c>), all over the same rewound
/// <c>MemoryStream</c> holding the whole event stream. Results are per event (10,000 events per invocation).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(EntryPointConfig))]
public class StreamEntryBenchmarks
{
    private EventStreams _streams = EventStreams.Of(Shape.LlmTokens);

    [Params(Shape.LlmTokens, Shape.Ticker, Shape.MultiLine)]
    public Shape Shape { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _streams = EventStreams.Of(Shape);
        Readers.AssertSame(
            $"{nameof(StreamEntryBenchmarks)}/{Shape}",
            SseParser_Enumerate(),
            SseParser_EnumerateAsync().AsTask().GetAwaiter().GetResult(),
            SseReader_Stream().AsTask().GetAwaiter().GetResult());
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Inputs.SmallEventCount)]
    public long SseParser_Enumerate() => EntryPoints.SseParserSync(_streams.Memory());

    [Benchmark(OperationsPerInvoke = Inputs.SmallEventCount)]
    public ValueTask<long> SseParser_EnumerateAsync() => EntryPoints.SseParserAsync(_streams.Memory());

    [Benchmark(OperationsPerInvoke = Inputs.SmallEventCount)]
    public ValueTask<long> SseReader_Stream() => EntryPoints.ReaderStream(_streams.Memory());
}

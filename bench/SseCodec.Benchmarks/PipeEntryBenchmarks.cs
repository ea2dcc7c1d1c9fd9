using BenchmarkDotNet.Attributes;

namespace SseCodec.Benchmarks;

/// <summary>
/// <c>new SseReader(PipeReader)</c> over <c>PipeReader.Create(stream)</c> with 4 KiB buffers (the default) and with
/// 64 KiB buffers, the stream being a rewound <c>MemoryStream</c> of the whole event stream. SseParser reads only a
/// Stream, so its counterparts are: <c>pipeReader.AsStream()</c> over a pipe made the same way (the baseline: what a
/// caller holding a PipeReader must do), and, stricter, the underlying <c>MemoryStream</c> itself (no pipe in its
/// way). Both are SseParser's span mode, <c>Enumerate</c>. Results are per event (10,000 events per invocation).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(EntryPointConfig))]
public class PipeEntryBenchmarks
{
    private EventStreams _streams = EventStreams.Of(Shape.LlmTokens);

    [Params(Shape.LlmTokens, Shape.Ticker, Shape.MultiLine)]
    public Shape Shape { get; set; }

    [Params(4 * 1024, 64 * 1024)]
    public int BufferSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _streams = EventStreams.Of(Shape);
        Readers.AssertSame(
            $"{nameof(PipeEntryBenchmarks)}/{Shape}/{BufferSize}",
            SseParser_PipeAsStream(),
            SseParser_UnderlyingStream(),
            SseReader_Pipe().AsTask().GetAwaiter().GetResult());
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Inputs.SmallEventCount)]
    public long SseParser_PipeAsStream()
    {
        using Stream stream = _streams.Pipe(BufferSize).AsStream();
        return EntryPoints.SseParserSync(stream);
    }

    [Benchmark(OperationsPerInvoke = Inputs.SmallEventCount)]
    public long SseParser_UnderlyingStream() => EntryPoints.SseParserSync(_streams.Memory());

    [Benchmark(OperationsPerInvoke = Inputs.SmallEventCount)]
    public ValueTask<long> SseReader_Pipe() => EntryPoints.ReaderPipe(_streams.Pipe(BufferSize));
}

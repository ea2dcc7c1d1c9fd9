using BenchmarkDotNet.Attributes;

namespace SseCodec.Benchmarks;

/// <summary>
/// 1 MiB single-line data: a stream of <see cref="Events"/> events whose data is one line of 1 MiB, read by
/// <c>new SseReader(Stream)</c> over a rewound <c>MemoryStream</c> and by <c>SseDecoder.TryReadEvent</c> over one span,
/// against SseParser's span mode (<c>Enumerate</c>) over the same <c>MemoryStream</c>, and the speed-of-light bound.
/// Results are per 1 MiB event; the GB/s column is <see cref="BytesPerEvent"/> over the mean.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(LargeLineConfig))]
public class LargeLineEntryBenchmarks
{
    public const int DataLength = 1024 * 1024;
    public const int Events = 4;

    /// <summary>The bytes of one event: <c>data: </c>, the line, and two LFs.</summary>
    public const int BytesPerEvent = DataLength + 8;

    private EventStreams _streams = EventStreams.LargeLines(DataLength, Events);

    [GlobalSetup]
    public void Setup()
    {
        _streams = EventStreams.LargeLines(DataLength, Events);
        Readers.AssertSame(
            nameof(LargeLineEntryBenchmarks),
            SseParser_Enumerate(),
            SseReader_Stream().AsTask().GetAwaiter().GetResult(),
            SseDecoder_Span(),
            SpeedOfLight_Span());
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Events)]
    public long SseParser_Enumerate() => EntryPoints.SseParserSync(_streams.Memory());

    [Benchmark(OperationsPerInvoke = Events)]
    public ValueTask<long> SseReader_Stream() => EntryPoints.ReaderStream(_streams.Memory());

    [Benchmark(OperationsPerInvoke = Events)]
    public long SseDecoder_Span() => EntryPoints.DecoderSpan(_streams.Bytes);

    /// <summary>Not a parser: the bound (see <see cref="SpeedOfLightParser"/>).</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public long SpeedOfLight_Span() => SpeedOfLightParser.Checksum(_streams.Bytes);
}

using System.Buffers;
using BenchmarkDotNet.Attributes;
using SseCodec.Reference;

namespace SseCodec.Benchmarks;

/// <summary>
/// Adverse segmentation: the same stream delivered in 1-, 7- and 4096-byte pieces, and whole. The sync core reads a
/// multi-segment ReadOnlySequence; SseReader and SseParser read a stream that returns at most that many bytes per read.
/// Time is per stream of 1 MiB or so.
/// </summary>
[MemoryDiagnoser]
public class SegmentationBenchmarks
{
    private byte[] _bytes = [];
    private ReadOnlySequence<byte> _sequence;

    [Params("LlmTokens", "Large64K")]
    public string Input { get; set; } = "LlmTokens";

    [Params(1, 7, 4096, int.MaxValue)]
    public int SegmentSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _bytes = Input == "Large64K" ? Inputs.LargeLines(64 * 1024, 16) : Inputs.Stream(Shape.LlmTokens);
        _sequence = SegmentSize >= _bytes.Length
            ? new ReadOnlySequence<byte>(_bytes)
            : Segmenter.ToSequence(Segmenter.FixedSize(_bytes, SegmentSize));
        Readers.AssertSame(
            $"{Input}/{SegmentSize}",
            SseParser_Span(),
            SseCodec_Decoder(),
            SseCodec_Reader_Stream().GetAwaiter().GetResult());
    }

    [Benchmark(Baseline = true)]
    public long SseParser_Span() => Readers.SseParserSpan(new TricklingStream(_bytes, SegmentSize));

    [Benchmark]
    public long SseCodec_Decoder() => Readers.SseCodecSequence(_sequence);

    [Benchmark]
    public Task<long> SseCodec_Reader_Stream() => Readers.SseCodecStream(new TricklingStream(_bytes, SegmentSize));
}

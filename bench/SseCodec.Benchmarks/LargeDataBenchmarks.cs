using System.Buffers;
using BenchmarkDotNet.Attributes;

namespace SseCodec.Benchmarks;

/// <summary>
/// Large single-line data: 4 MiB of events whose data is one 64 KiB or 1 MiB line. Time is per 4 MiB stream, so
/// throughput is 4 MiB divided by the mean.
/// </summary>
[MemoryDiagnoser]
public class LargeDataBenchmarks
{
    public const int StreamBytes = 4 << 20;

    private MemoryStream _stream = new();
    private ReadOnlySequence<byte> _sequence;

    [Params(64 * 1024, 1024 * 1024)]
    public int DataLength { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        byte[] bytes = Inputs.LargeLines(DataLength, StreamBytes / DataLength);
        _stream = new MemoryStream(bytes, writable: false);
        _sequence = new ReadOnlySequence<byte>(bytes);
        Readers.AssertSame(
            $"{DataLength} bytes",
            SseParser_Span(),
            SseParser_String(),
            SseCodec_Decoder(),
            SseCodec_Reader_Pipe().GetAwaiter().GetResult(),
            SseCodec_Reader_Stream().GetAwaiter().GetResult());
    }

    [Benchmark(Baseline = true)]
    public long SseParser_Span() => Readers.SseParserSpan(Rewound());

    [Benchmark]
    public long SseParser_String() => Readers.SseParserString(Rewound());

    [Benchmark]
    public long SseCodec_Decoder() => Readers.SseCodecSequence(_sequence);

    [Benchmark]
    public Task<long> SseCodec_Reader_Pipe() => Readers.SseCodecPipe(_sequence);

    [Benchmark]
    public Task<long> SseCodec_Reader_Stream() => Readers.SseCodecStream(Rewound());

    /// <summary>The physical limit: one vectorized search for CR or LF over the same bytes.</summary>
    [Benchmark]
    public long IndexOfAny_Scan()
    {
        long lines = 0;
        foreach (ReadOnlyMemory<byte> segment in _sequence)
        {
            ReadOnlySpan<byte> span = segment.Span;
            int i;
            while ((i = span.IndexOfAny((byte)'\r', (byte)'\n')) >= 0)
            {
                lines++;
                span = span.Slice(i + 1);
            }
        }

        return lines;
    }

    private MemoryStream Rewound()
    {
        _stream.Position = 0;
        return _stream;
    }
}

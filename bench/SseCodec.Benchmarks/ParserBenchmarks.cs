using System.Buffers;
using BenchmarkDotNet.Attributes;

namespace SseCodec.Benchmarks;

/// <summary>
/// Small events, the common case: SseCodec's two layers against System.Net.ServerSentEvents.SseParser (span mode, the
/// baseline, and string mode) reading the same 10,000 events from memory. Results are per event.
/// </summary>
[MemoryDiagnoser]
public class ParserBenchmarks
{
    private byte[] _bytes = [];
    private MemoryStream _stream = new();
    private ReadOnlySequence<byte> _sequence;

    [Params(Shape.LlmTokens, Shape.Ticker, Shape.MultiLine, Shape.Crlf, Shape.Heartbeats)]
    public Shape Shape { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _bytes = Inputs.Stream(Shape);
        _stream = new MemoryStream(_bytes, writable: false);
        _sequence = new ReadOnlySequence<byte>(_bytes);
        Readers.AssertSame(
            Shape.ToString(),
            SseParser_Span(),
            SseParser_String(),
            SseParser_SpanAsync().GetAwaiter().GetResult(),
            SseCodec_Decoder(),
            SseCodec_Reader_Pipe().GetAwaiter().GetResult(),
            SseCodec_Reader_Stream().GetAwaiter().GetResult());
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Inputs.SmallEventCount)]
    public long SseParser_Span() => Readers.SseParserSpan(Rewound());

    [Benchmark(OperationsPerInvoke = Inputs.SmallEventCount)]
    public long SseParser_String() => Readers.SseParserString(Rewound());

    [Benchmark(OperationsPerInvoke = Inputs.SmallEventCount)]
    public Task<long> SseParser_SpanAsync() => Readers.SseParserSpanAsync(Rewound());

    [Benchmark(OperationsPerInvoke = Inputs.SmallEventCount)]
    public long SseCodec_Decoder() => Readers.SseCodecSequence(_sequence);

    [Benchmark(OperationsPerInvoke = Inputs.SmallEventCount)]
    public Task<long> SseCodec_Reader_Pipe() => Readers.SseCodecPipe(_sequence);

    [Benchmark(OperationsPerInvoke = Inputs.SmallEventCount)]
    public Task<long> SseCodec_Reader_Stream() => Readers.SseCodecStream(Rewound());

    private MemoryStream Rewound()
    {
        _stream.Position = 0;
        return _stream;
    }
}

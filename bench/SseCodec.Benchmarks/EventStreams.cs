using System.Buffers;
using System.IO.Pipelines;

namespace SseCodec.Benchmarks;

/// <summary>
/// One event stream's bytes and the stream kinds the entry-point benchmarks read it through. The streams are made
/// once and rewound for each run, so a run pays only for what the reader itself creates.
/// </summary>
public sealed class EventStreams
{
    private readonly MemoryStream _memory;
    private readonly ChunkedStream _chunked;

    public EventStreams(byte[] bytes, int events)
    {
        Bytes = bytes;
        Events = events;
        Sequence = new ReadOnlySequence<byte>(bytes);
        _memory = new MemoryStream(bytes, writable: false);
        _chunked = new ChunkedStream(bytes);
    }

    /// <summary>The small-event stream of one shape: <see cref="Inputs.SmallEventCount"/> events.</summary>
    public static EventStreams Of(Shape shape) => new(Inputs.Stream(shape), Inputs.SmallEventCount);

    /// <summary>Events whose data is one line of <paramref name="dataLength"/> bytes.</summary>
    public static EventStreams LargeLines(int dataLength, int events) => new(Inputs.LargeLines(dataLength, events), events);

    public byte[] Bytes { get; }

    /// <summary>How many events the stream dispatches.</summary>
    public int Events { get; }

    /// <summary>The whole stream as one single-segment sequence.</summary>
    public ReadOnlySequence<byte> Sequence { get; }

    /// <summary>The whole stream, every read served from memory as large as the caller asks.</summary>
    public MemoryStream Memory()
    {
        _memory.Position = 0;
        return _memory;
    }

    /// <summary>The stream in 0.5–16 KiB chunks (<see cref="ChunkedStream"/>), one chunk per read at most.</summary>
    public ChunkedStream Chunked() => _chunked.Rewound();

    /// <summary>
    /// <c>PipeReader.Create</c> over <see cref="Memory"/> with <paramref name="bufferSize"/>-byte buffers (4096 is
    /// the default). The memory stream stays open when the pipe is completed.
    /// </summary>
    public PipeReader Pipe(int bufferSize) =>
        PipeReader.Create(Memory(), new StreamPipeReaderOptions(bufferSize: bufferSize, leaveOpen: true));
}

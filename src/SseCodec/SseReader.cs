using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;

namespace SseCodec;

/// <summary>
/// Reads events from a <see cref="PipeReader"/> (or a <see cref="Stream"/>) as they arrive.
/// </summary>
/// <remarks>
/// <para>
/// Each <see cref="ReadAsync"/> moves to the next dispatched event, which <see cref="Current"/> then shows until the
/// following read. Bytes are handed to an <see cref="SseDecoder"/> as the pipe delivers them and are consumed at once,
/// a partial line included, so the reader always advances the pipe to the end of what it examined and never waits on a
/// buffer it has already seen. An event whose single <c>data</c> line lies in one pipe segment is not copied: its data
/// is the pipe's memory, held until the next read.
/// </para>
/// <para>An instance is not thread-safe: one read at a time.</para>
/// </remarks>
public sealed class SseReader : IDisposable, IAsyncDisposable
{
    private const int EventsOnly = 0;
    private const int AllItems = 1;

    private readonly PipeReader _reader;
    private readonly bool _leaveOpen;
    private readonly SseDecoder _decoder;
    private readonly bool _ownsDecoder;
    private ReadOnlySequence<byte> _buffer;
    private bool _holdingBuffer;
    private bool _pipeCompleted;
    private bool _disposed;

    /// <summary>Creates a reader over a pipe.</summary>
    /// <param name="reader">The pipe to read the event stream from.</param>
    /// <param name="options">Limits and buffer pool; the defaults when <see langword="null"/>.</param>
    /// <param name="leaveOpen"><see langword="true"/> to leave <paramref name="reader"/> uncompleted when this reader is disposed.</param>
    public SseReader(PipeReader reader, SseParserOptions? options = null, bool leaveOpen = false)
        : this(reader, new SseDecoder(options), ownsDecoder: true, leaveOpen)
    {
    }

    /// <summary>
    /// Creates a reader over a pipe that parses with a decoder the caller keeps, as a client does across reconnections
    /// (the decoder's last event ID and reconnection time carry over; call <see cref="SseDecoder.Reset"/> between streams).
    /// </summary>
    /// <param name="reader">The pipe to read the event stream from.</param>
    /// <param name="decoder">The decoder to parse with. The reader does not dispose it.</param>
    /// <param name="leaveOpen"><see langword="true"/> to leave <paramref name="reader"/> uncompleted when this reader is disposed.</param>
    public SseReader(PipeReader reader, SseDecoder decoder, bool leaveOpen = false)
        : this(reader, decoder ?? throw new ArgumentNullException(nameof(decoder)), ownsDecoder: false, leaveOpen)
    {
    }

    /// <summary>Creates a reader over a stream that parses with a decoder the caller keeps.</summary>
    /// <param name="stream">The stream to read the event stream from.</param>
    /// <param name="decoder">The decoder to parse with. The reader does not dispose it.</param>
    /// <param name="leaveOpen"><see langword="true"/> to leave <paramref name="stream"/> open when this reader is disposed.</param>
    public SseReader(Stream stream, SseDecoder decoder, bool leaveOpen = false)
        : this(PipeReader.Create(stream ?? throw new ArgumentNullException(nameof(stream)), new StreamPipeReaderOptions(leaveOpen: leaveOpen)), decoder ?? throw new ArgumentNullException(nameof(decoder)), ownsDecoder: false, leaveOpen: false)
    {
    }

    private SseReader(PipeReader reader, SseDecoder decoder, bool ownsDecoder, bool leaveOpen)
    {
        ArgumentNullException.ThrowIfNull(reader);
        _reader = reader;
        _leaveOpen = leaveOpen;
        _decoder = decoder;
        _ownsDecoder = ownsDecoder;
    }

    /// <summary>Creates a reader over a stream.</summary>
    /// <param name="stream">The stream to read the event stream from.</param>
    /// <param name="options">Limits and buffer pool; the defaults when <see langword="null"/>.</param>
    /// <param name="leaveOpen"><see langword="true"/> to leave <paramref name="stream"/> open when this reader is disposed.</param>
    public SseReader(Stream stream, SseParserOptions? options = null, bool leaveOpen = false)
        : this(PipeReader.Create(stream ?? throw new ArgumentNullException(nameof(stream)), new StreamPipeReaderOptions(leaveOpen: leaveOpen)), options, leaveOpen: false)
    {
    }

    /// <summary>The event the last <see cref="ReadAsync"/> moved to, valid until the next read.</summary>
    /// <exception cref="InvalidOperationException">The last read did not produce an event.</exception>
    public SseEvent Current => _decoder.CurrentEvent;

    /// <summary>What the last read produced.</summary>
    public SseItemKind CurrentKind => _decoder.CurrentKind;

    /// <summary>The text of the comment the last <see cref="ReadItemAsync"/> produced, valid until the next read.</summary>
    public ReadOnlySpan<byte> CurrentComment => _decoder.CurrentComment;

    /// <summary>The stream's last event ID string.</summary>
    public string LastEventId => _decoder.LastEventId;

    /// <summary>The reconnection time set by the last valid <c>retry</c> field, if any.</summary>
    public TimeSpan? ReconnectionTime => _decoder.ReconnectionTime;

    /// <summary>The number of bytes of the stream consumed so far.</summary>
    public long BytesConsumed => _decoder.BytesConsumed;

    /// <summary>Moves to the next event.</summary>
    /// <returns><see langword="true"/> with the event in <see cref="Current"/>; <see langword="false"/> at the end of the stream.</returns>
    /// <exception cref="SseLimitExceededException">The stream broke a limit in <see cref="SseParserOptions"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled, or the pipe's pending read was.</exception>
    public ValueTask<bool> ReadAsync(CancellationToken cancellationToken = default)
    {
        // The next event is often in the buffer already: no state machine for that.
        if (_holdingBuffer && !_disposed && _decoder.TryReadEvent(ref _buffer, out _))
        {
            return new ValueTask<bool>(true);
        }

        ValueTask<SseItemKind> read = ReadCoreAsync(EventsOnly, cancellationToken);
        return read.IsCompletedSuccessfully ? new ValueTask<bool>(read.Result != SseItemKind.None) : AwaitEvent(read);

        [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
        static async ValueTask<bool> AwaitEvent(ValueTask<SseItemKind> pending) => await pending.ConfigureAwait(false) != SseItemKind.None;
    }

    /// <summary>Moves to the next item: an event, a comment, or a valid <c>retry</c> field.</summary>
    /// <returns>The item's kind, or <see cref="SseItemKind.None"/> at the end of the stream.</returns>
    /// <exception cref="SseLimitExceededException">The stream broke a limit in <see cref="SseParserOptions"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled, or the pipe's pending read was.</exception>
    public ValueTask<SseItemKind> ReadItemAsync(CancellationToken cancellationToken = default) =>
        ReadCoreAsync(AllItems, cancellationToken);

    /// <summary>Reads every remaining event, for <c>await foreach</c>. Each event is valid until the loop moves on.</summary>
    public async IAsyncEnumerable<SseEvent> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (await ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return Current;
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<SseItemKind> ReadCoreAsync(int items, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        while (true)
        {
            if (_holdingBuffer)
            {
                SseItemKind kind = items == EventsOnly
                    ? (_decoder.TryReadEvent(ref _buffer, out _) ? SseItemKind.Event : SseItemKind.None)
                    : _decoder.ReadItem(ref _buffer);
                if (kind != SseItemKind.None)
                {
                    // The item may point into the pipe's memory: keep the buffer until the next read.
                    return kind;
                }

                // The decoder consumed everything, a partial line included: consumed and examined are both the end.
                _holdingBuffer = false;
                _reader.AdvanceTo(_buffer.End);
            }

            if (_pipeCompleted)
            {
                _decoder.Complete();
                return SseItemKind.None;
            }

            ReadResult result = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (result.IsCanceled)
            {
                _reader.AdvanceTo(result.Buffer.Start);
                throw new OperationCanceledException("The pipe's pending read was canceled.");
            }

            _buffer = result.Buffer;
            _holdingBuffer = true;
            _pipeCompleted = result.IsCompleted;
        }
    }

    /// <summary>Returns the parser's pooled buffers and, unless left open, completes the pipe.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        ReleaseBuffer();
        if (_ownsDecoder)
        {
            _decoder.Dispose();
        }
        if (!_leaveOpen)
        {
            _reader.Complete();
        }
    }

    /// <summary>Returns the parser's pooled buffers and, unless left open, completes the pipe.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        ReleaseBuffer();
        if (_ownsDecoder)
        {
            _decoder.Dispose();
        }
        if (!_leaveOpen)
        {
            await _reader.CompleteAsync().ConfigureAwait(false);
        }
    }

    private void ReleaseBuffer()
    {
        if (_holdingBuffer)
        {
            // Give back what was not consumed, unexamined, so whoever reads the pipe next sees it at once.
            _holdingBuffer = false;
            _reader.AdvanceTo(_buffer.Start);
        }
    }
}

using System.IO.Pipelines;

namespace SseCodec;

/// <summary>
/// Reads events from a <see cref="Stream"/> or a <see cref="PipeReader"/> as they arrive.
/// </summary>
/// <remarks>
/// <para>
/// Each <see cref="ReadAsync"/> moves to the next dispatched event, which <see cref="Current"/> then shows until the
/// following read. Most reads complete synchronously: the next event is usually in the bytes already read.
/// </para>
/// <para>
/// Over a stream, the reader reads into a pooled buffer of its own and parses events where they lie: an event whose
/// single <c>data</c> line is in the buffer is not copied. A line longer than the buffer makes the buffer grow (never
/// past <see cref="SseParserOptions.MaxLineLength"/>), so even a multi-megabyte line is read once and not copied again.
/// Over a pipe, bytes are consumed as the pipe delivers them, a partial line included, so the reader always advances the
/// pipe to the end of what it examined and never waits on a buffer it has already seen.
/// </para>
/// <para>An instance is not thread-safe: one read at a time.</para>
/// </remarks>
public sealed partial class SseReader : IDisposable, IAsyncDisposable
{
    private readonly SseDecoder _decoder;
    private readonly bool _ownsDecoder;
    private readonly bool _leaveOpen;
    private bool _disposed;

    /// <summary>Creates a reader over a stream.</summary>
    /// <param name="stream">The stream to read the event stream from.</param>
    /// <param name="options">Limits and buffer pool; the defaults when <see langword="null"/>.</param>
    /// <param name="leaveOpen"><see langword="true"/> to leave <paramref name="stream"/> open when this reader is disposed.</param>
    public SseReader(Stream stream, SseParserOptions? options = null, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        options ??= SseParserOptions.Default;
        _decoder = new SseDecoder(options);
        _ownsDecoder = true;
        _leaveOpen = leaveOpen;
        _stream = stream;
        _pool = options.BufferPool ?? System.Buffers.ArrayPool<byte>.Shared;
        _maxLineLength = options.MaxLineLength;
    }

    /// <summary>
    /// Creates a reader over a stream that parses with a decoder the caller keeps, as a client does across reconnections
    /// (the decoder's last event ID and reconnection time carry over; call <see cref="SseDecoder.Reset"/> between streams).
    /// </summary>
    /// <param name="stream">The stream to read the event stream from.</param>
    /// <param name="decoder">The decoder to parse with; its limits and buffer pool apply. The reader does not dispose it.</param>
    /// <param name="leaveOpen"><see langword="true"/> to leave <paramref name="stream"/> open when this reader is disposed.</param>
    public SseReader(Stream stream, SseDecoder decoder, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(decoder);
        _decoder = decoder;
        _leaveOpen = leaveOpen;
        _stream = stream;
        _pool = decoder.BufferPool;
        _maxLineLength = decoder.MaxLineLength;
    }

    /// <summary>Creates a reader over a pipe.</summary>
    /// <param name="reader">The pipe to read the event stream from.</param>
    /// <param name="options">Limits and buffer pool; the defaults when <see langword="null"/>.</param>
    /// <param name="leaveOpen"><see langword="true"/> to leave <paramref name="reader"/> uncompleted when this reader is disposed.</param>
    public SseReader(PipeReader reader, SseParserOptions? options = null, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(reader);
        _decoder = new SseDecoder(options);
        _ownsDecoder = true;
        _leaveOpen = leaveOpen;
        _pipe = reader;
    }

    /// <summary>Creates a reader over a pipe that parses with a decoder the caller keeps.</summary>
    /// <param name="reader">The pipe to read the event stream from.</param>
    /// <param name="decoder">The decoder to parse with. The reader does not dispose it.</param>
    /// <param name="leaveOpen"><see langword="true"/> to leave <paramref name="reader"/> uncompleted when this reader is disposed.</param>
    public SseReader(PipeReader reader, SseDecoder decoder, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(decoder);
        _decoder = decoder;
        _leaveOpen = leaveOpen;
        _pipe = reader;
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
        // The next event is usually in the bytes already read: no state machine for that.
        if (TryReadBuffered(allItems: false) == SseItemKind.Event)
        {
            return new ValueTask<bool>(true);
        }

        ValueTask<SseItemKind> read = _stream is not null
            ? ReadStreamAsync(allItems: false, cancellationToken)
            : ReadPipeAsync(allItems: false, cancellationToken);
        return read.IsCompletedSuccessfully ? new ValueTask<bool>(read.Result != SseItemKind.None) : AwaitEvent(read);

#if NET
        [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
#endif
        static async ValueTask<bool> AwaitEvent(ValueTask<SseItemKind> pending) => await pending.ConfigureAwait(false) != SseItemKind.None;
    }

    /// <summary>Moves to the next item: an event, a comment, or a valid <c>retry</c> field.</summary>
    /// <returns>The item's kind, or <see cref="SseItemKind.None"/> at the end of the stream.</returns>
    /// <exception cref="SseLimitExceededException">The stream broke a limit in <see cref="SseParserOptions"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled, or the pipe's pending read was.</exception>
    public ValueTask<SseItemKind> ReadItemAsync(CancellationToken cancellationToken = default)
    {
        SseItemKind kind = TryReadBuffered(allItems: true);
        if (kind != SseItemKind.None)
        {
            return new ValueTask<SseItemKind>(kind);
        }

        return _stream is not null
            ? ReadStreamAsync(allItems: true, cancellationToken)
            : ReadPipeAsync(allItems: true, cancellationToken);
    }

    /// <summary>Reads every remaining event, for <c>await foreach</c>. Each event is valid until the loop moves on.</summary>
    public async IAsyncEnumerable<SseEvent> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (await ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return Current;
        }
    }

    /// <summary>The next item from the bytes already read, or <see cref="SseItemKind.None"/> when they hold no more.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private SseItemKind TryReadBuffered(bool allItems)
    {
        if (_disposed)
        {
            return SseItemKind.None;
        }

        return _stream is not null ? TryReadStreamBuffer(allItems) : TryReadPipeBuffer(allItems);
    }

    /// <summary>Returns the pooled buffers and, unless left open, closes the stream or completes the pipe.</summary>
    public void Dispose()
    {
        if (!BeginDispose())
        {
            return;
        }

        if (_stream is not null)
        {
            _stream.Dispose();
        }
        else
        {
            _pipe!.Complete();
        }
    }

    /// <summary>Returns the pooled buffers and, unless left open, closes the stream or completes the pipe.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!BeginDispose())
        {
            return;
        }

        if (_stream is not null)
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }
        else
        {
            await _pipe!.CompleteAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Marks the reader disposed and returns its buffers, once.</summary>
    /// <returns>Whether the stream or pipe is now to be closed: a first dispose of a source not left open.</returns>
    private bool BeginDispose()
    {
        if (_disposed)
        {
            return false;
        }

        _disposed = true;
        ReleaseBuffers();
        return !_leaveOpen;
    }

    private void ReleaseBuffers()
    {
        ReleaseStreamBuffer();
        ReleasePipeBuffer();
        if (_ownsDecoder)
        {
            _decoder.Dispose();
        }
        else
        {
            // The current item may lie in the buffers just returned: a caller's decoder must not show it any more.
            _decoder.EndCurrentItem();
        }
    }
}

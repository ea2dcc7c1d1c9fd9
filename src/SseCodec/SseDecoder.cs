using System.Buffers;
using System.Diagnostics.CodeAnalysis;

namespace SseCodec;

/// <summary>
/// A synchronous, resumable <c>text/event-stream</c> parser: hand it bytes in chunks of any size,
/// as a span, as memory or as a multi-segment <see cref="ReadOnlySequence{T}"/>, and read events out.
/// </summary>
/// <remarks>
/// <para>
/// The decoder implements "Parsing an event stream" and "Interpreting an event stream" (WHATWG HTML §9.2.5–9.2.6)
/// byte for byte. It consumes every byte it is given up to the item it returns, keeping a partial line,
/// a pending CR, the data, event type and last event ID buffers between calls, so callers never re-send bytes.
/// </para>
/// <para>
/// When the input is memory (<see cref="ReadOnlyMemory{T}"/> or <see cref="ReadOnlySequence{T}"/>) and an event's
/// single <c>data</c> line lies in one segment together with the blank line that dispatches it, the event's data is a
/// slice of the input: nothing is copied. Otherwise the data is copied once into a pooled buffer.
/// </para>
/// <para>An instance is not thread-safe. Dispose it to return its pooled buffers.</para>
/// </remarks>
// One partial file per concern, each declaring the fields it owns:
//   SseDecoder.cs               the public reads, the current item and its version, limits and faults;
//   SseDecoder.LineSplitting.cs the stream into lines (§9.2.5): BOM, CR/LF/CRLF, lines that wait for their end;
//   SseDecoder.MultiSegment.cs  a ReadOnlySequence, segment by segment;
//   SseDecoder.Fields.cs        a line as a field (§9.2.6): names, values, comments, retry;
//   SseDecoder.Data.cs          the data buffer;
//   SseDecoder.EventType.cs     the event type buffer and the dispatched type;
//   SseDecoder.LastEventId.cs   the last event ID buffer and string;
//   SseDecoder.Dispatch.cs      dispatching the event at a blank line, discarding it at the end of the stream;
//   SseDecoder.Buffers.cs       pooled buffers and their limits.
public sealed partial class SseDecoder : IDisposable
{
    private const int EventBit = 1 << (int)SseItemKind.Event;
    private const int AllItemBits = EventBit | (1 << (int)SseItemKind.Comment) | (1 << (int)SseItemKind.ReconnectionTime);

    private readonly ArrayPool<byte> _pool;
    private readonly int _maxLineLength;
    private readonly int _maxEventSize;

    // The item produced by the last read.
    private int _version;
    private int _wantedItems;
    private SseItemKind _currentKind;

    // The current item's bytes: _currentLength bytes from _currentStart of _currentOwner, a byte[] or a
    // MemoryManager<byte>. Three fields rather than a ReadOnlyMemory: the owner is written only when it changes (items
    // follow each other in one buffer), which saves a GC write barrier per item, and an array's bytes become a span
    // without ReadOnlyMemory.Span's type tests.
    private object? _currentOwner;
    private int _currentStart;
    private int _currentLength;
    private int _itemStartInChunk = -1;
    private int _itemLengthInChunk;
    private Exception? _fault;
    private bool _disposed;

    /// <summary>Creates a decoder at the start of a stream.</summary>
    /// <param name="options">Limits and buffer pool; the defaults when <see langword="null"/>.</param>
    public SseDecoder(SseParserOptions? options = null)
    {
        options ??= SseParserOptions.Default;
        _pool = options.BufferPool ?? ArrayPool<byte>.Shared;
        _maxLineLength = options.MaxLineLength;
        _maxEventSize = options.MaxEventSize;
    }

    internal ArrayPool<byte> BufferPool => _pool;
    internal int MaxLineLength => _maxLineLength;

    /// <summary>The number of bytes of the stream consumed so far, a byte order mark included.</summary>
    public long BytesConsumed => _streamOffset;

    /// <summary>The reconnection time set by the last valid <c>retry</c> field; <see langword="null"/> until one arrives.</summary>
    public TimeSpan? ReconnectionTime => _reconnectionTime;

    /// <summary>What the last read produced.</summary>
    public SseItemKind CurrentKind => _currentKind;

    /// <summary>The event produced by the last read, valid until the next read.</summary>
    /// <exception cref="InvalidOperationException">The last read did not produce an event.</exception>
    public SseEvent CurrentEvent
    {
        get
        {
            if (_currentKind != SseItemKind.Event)
            {
                ThrowHelper.ThrowNoCurrentEvent();
            }

            return new SseEvent(this, _version);
        }
    }

    /// <summary>The bytes of the current item as memory; what an <see cref="SseEvent"/> of the current version shows.</summary>
    internal ReadOnlyMemory<byte> CurrentMemory => _currentOwner switch
    {
        byte[] array => new ReadOnlyMemory<byte>(array, _currentStart, _currentLength),
        MemoryManager<byte> manager => manager.Memory.Slice(_currentStart, _currentLength),
        _ => default,
    };

    /// <summary>The bytes of the current item as a span.</summary>
    internal ReadOnlySpan<byte> CurrentSpan
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _currentOwner is byte[] array ? new ReadOnlySpan<byte>(array, _currentStart, _currentLength) : CurrentMemory.Span;
    }

    /// <summary>The length of the current item's bytes.</summary>
    internal int CurrentLength => _currentLength;

    /// <summary>
    /// The text of the comment produced by the last read (after the colon, without one leading space), valid until the next read.
    /// </summary>
    /// <exception cref="InvalidOperationException">The last read did not produce a comment.</exception>
    public ReadOnlySpan<byte> CurrentComment
    {
        get
        {
            if (_currentKind != SseItemKind.Comment)
            {
                throw new InvalidOperationException("The last read did not produce a comment.");
            }

            return CurrentSpan;
        }
    }

    internal int Version => _version;

    /// <summary>Reads until the next event is dispatched or <paramref name="input"/> runs out; comments and <c>retry</c> are processed silently.</summary>
    /// <param name="input">The next bytes of the stream. The decoder copies what it must keep, so the caller may reuse the span's memory after the call.</param>
    /// <param name="bytesConsumed">How many bytes of <paramref name="input"/> were consumed; pass the rest in the next call.</param>
    /// <param name="sseEvent">The dispatched event, valid until the next read.</param>
    /// <returns><see langword="true"/> if an event was dispatched; <see langword="false"/> if all of <paramref name="input"/> was consumed without one.</returns>
    /// <exception cref="SseLimitExceededException">The stream broke a limit in <see cref="SseParserOptions"/>.</exception>
    public bool TryReadEvent(ReadOnlySpan<byte> input, out int bytesConsumed, out SseEvent sseEvent)
    {
        BeginRead(EventBit);
        SseItemKind kind = ParseChunk(input, isStable: false, out bytesConsumed);
        return EndReadEvent(kind, out sseEvent);
    }

    /// <summary>
    /// Reads until the next event is dispatched or <paramref name="input"/> runs out. The event's data may be a slice of
    /// <paramref name="input"/>, which must then stay unchanged until the next read.
    /// </summary>
    /// <inheritdoc cref="TryReadEvent(ReadOnlySpan{byte}, out int, out SseEvent)"/>
    public bool TryReadEvent(ReadOnlyMemory<byte> input, out int bytesConsumed, out SseEvent sseEvent)
    {
        BeginRead(EventBit);
        SseItemKind kind = ParseStable(input, out bytesConsumed);
        return EndReadEvent(kind, out sseEvent);
    }

    /// <summary>
    /// Reads until the next event is dispatched or <paramref name="input"/> runs out, and slices off what was consumed.
    /// The event's data may lie in <paramref name="input"/>'s memory, which must then stay unchanged until the next read.
    /// </summary>
    /// <param name="input">The next bytes of the stream; on return, the bytes not yet consumed.</param>
    /// <param name="sseEvent">The dispatched event, valid until the next read.</param>
    /// <returns><see langword="true"/> if an event was dispatched; <see langword="false"/> if all of <paramref name="input"/> was consumed without one.</returns>
    /// <exception cref="SseLimitExceededException">The stream broke a limit in <see cref="SseParserOptions"/>.</exception>
    public bool TryReadEvent(ref ReadOnlySequence<byte> input, out SseEvent sseEvent)
    {
        BeginRead(EventBit);
        SseItemKind kind = ParseSequence(ref input);
        return EndReadEvent(kind, out sseEvent);
    }

    /// <summary>
    /// Reads from memory that <see cref="SseReader"/> keeps unchanged until the next read: items may be slices of it.
    /// With <paramref name="holdPartialLine"/>, a line whose end is not in it is left unconsumed, for the reader to pass
    /// again with more bytes after it; otherwise it is kept in the line buffer, as by the public reads.
    /// </summary>
    /// <remarks>The array form saves the reader's stream path the cost of making and unwrapping memory per item.</remarks>
    internal SseItemKind ReadBuffered(byte[] buffer, int start, int length, bool allItems, bool holdPartialLine, out int bytesConsumed)
    {
        BeginRead(allItems ? AllItemBits : EventBit);
        SseItemKind kind = ParseStable(buffer, start, length, out bytesConsumed, holdPartialLine);
        _currentKind = kind;
        return kind;
    }

    /// <inheritdoc cref="ReadBuffered(byte[], int, int, bool, bool, out int)"/>
    internal SseItemKind ReadBuffered(ReadOnlyMemory<byte> buffer, bool allItems, bool holdPartialLine, out int bytesConsumed)
    {
        BeginRead(allItems ? AllItemBits : EventBit);
        SseItemKind kind = ParseStable(buffer, out bytesConsumed, holdPartialLine);
        _currentKind = kind;
        return kind;
    }

    /// <summary>
    /// Reads until the next item (event, comment or valid <c>retry</c>) or until <paramref name="input"/> runs out.
    /// </summary>
    /// <param name="input">The next bytes of the stream, copied where they must be kept.</param>
    /// <param name="bytesConsumed">How many bytes of <paramref name="input"/> were consumed.</param>
    /// <returns>The item's kind (see <see cref="CurrentEvent"/>, <see cref="CurrentComment"/>, <see cref="ReconnectionTime"/>), or <see cref="SseItemKind.None"/>.</returns>
    /// <exception cref="SseLimitExceededException">The stream broke a limit in <see cref="SseParserOptions"/>.</exception>
    public SseItemKind ReadItem(ReadOnlySpan<byte> input, out int bytesConsumed)
    {
        BeginRead(AllItemBits);
        SseItemKind kind = ParseChunk(input, isStable: false, out bytesConsumed);
        _currentKind = kind;
        return kind;
    }

    /// <summary>
    /// Reads until the next item (event, comment or valid <c>retry</c>) or until <paramref name="input"/> runs out,
    /// and slices off what was consumed. Items may lie in <paramref name="input"/>'s memory until the next read.
    /// </summary>
    /// <param name="input">The next bytes of the stream; on return, the bytes not yet consumed.</param>
    /// <returns>The item's kind (see <see cref="CurrentEvent"/>, <see cref="CurrentComment"/>, <see cref="ReconnectionTime"/>), or <see cref="SseItemKind.None"/>.</returns>
    /// <exception cref="SseLimitExceededException">The stream broke a limit in <see cref="SseParserOptions"/>.</exception>
    public SseItemKind ReadItem(ref ReadOnlySequence<byte> input)
    {
        BeginRead(AllItemBits);
        SseItemKind kind = ParseSequence(ref input);
        _currentKind = kind;
        return kind;
    }

    /// <summary>
    /// Ends the stream: a pending, unterminated line or event is discarded and its <c>id</c> is not committed.
    /// A line that ended in CR was already processed when the CR arrived.
    /// </summary>
    /// <exception cref="SseLimitExceededException">The stream ended with bytes held back as a possible byte order mark that, as the start of a line, are longer than <see cref="SseParserOptions.MaxLineLength"/>.</exception>
    public void Complete()
    {
        ThrowIfDisposed();

        // Bytes held back as a possible BOM turn out to start an unterminated line: like any line's bytes, they must fit the limit.
        if (_bomState is > 0 and < BomResolved && _bomState > _maxLineLength)
        {
            FailLineTooLong(0);
        }

        EndStream();
    }

    /// <summary>Makes the current item and every view of it stale, as the next read would.</summary>
    internal void EndCurrentItem()
    {
        _version++;
        _currentKind = SseItemKind.None;
        ClearCurrent();
    }

    private void EndStream()
    {
        _version++;
        _currentKind = SseItemKind.None;
        ClearCurrent();

        // Spec: "Once the end of the file is reached, any pending data must be discarded. (If the file ends in the
        // middle of an event, before the final empty line, the incomplete event is not dispatched.)"
        DiscardPendingEvent();
        _skipLeadingLf = false;
    }

    /// <summary>
    /// Prepares for a new stream, as on a reconnection: pending state is discarded and a leading byte order mark is
    /// expected again; <see cref="LastEventId"/> and <see cref="ReconnectionTime"/> are kept, as an event source keeps them.
    /// </summary>
    public void Reset()
    {
        ThrowIfDisposed();
        EndStream();
        _fault = null;
        _streamOffset = 0;
        _bomState = 0;
    }

    /// <summary>Returns every pooled buffer. Events read earlier become invalid.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _version++;
        _currentKind = SseItemKind.None;
        ClearCurrent();
        ReturnBuffer(ref _lineBuffer);
        ReturnBuffer(ref _dataBuffer);
        ReturnBuffer(ref _typeBuffer0);
        ReturnBuffer(ref _typeBuffer1);
        ReturnBuffer(ref _idBuffer);
        ReturnBuffer(ref _lastEventId);
        _lineLength = _dataLength = _eventTypeLength = _typeLength0 = _typeLength1 = _idLength = _lastEventIdLength = 0;

        // Strings made from the peer's bytes go too, so a disposed decoder that is still referenced holds none of them.
        _typeString0 = null;
        _typeString1 = null;
        _lastEventIdString = string.Empty;
        Array.Clear(_recentTypes);
        _hasData = false;
        _dataLineStartInChunk = -1;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void BeginRead(int wanted)
    {
        if (_disposed | _fault is not null)
        {
            ThrowUnusable();
        }

        _version++;
        _wantedItems = wanted;
        _currentKind = SseItemKind.None;
        _itemStartInChunk = -1;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool EndReadEvent(SseItemKind kind, out SseEvent sseEvent)
    {
        _currentKind = kind;
        if (kind == SseItemKind.Event)
        {
            sseEvent = new SseEvent(this, _version);
            return true;
        }

        sseEvent = default;
        return false;
    }

    /// <summary>
    /// Parses memory that stays unchanged until the next read (see <see cref="ParseChunk"/>); an item that lies in it
    /// becomes a slice of it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private SseItemKind ParseStable(ReadOnlyMemory<byte> memory, out int consumed, bool holdPartialLine = false)
    {
        // Memory is nearly always an array's. Unwrapped once here, the array gives both the span and the item's place,
        // where ReadOnlyMemory.Span and then the item's slice would each test the memory's object again.
        if (MemoryMarshal.TryGetArray(memory, out ArraySegment<byte> segment))
        {
            return ParseStable(segment.Array!, segment.Offset, segment.Count, out consumed, holdPartialLine);
        }

        SseItemKind kind = ParseChunk(memory.Span, isStable: true, out consumed, holdPartialLine);
        if (kind != SseItemKind.None && _itemStartInChunk >= 0)
        {
            Debug.Assert(_itemStartInChunk + _itemLengthInChunk <= memory.Length, "An item said to lie in the chunk lies within it.");
            SetCurrent(memory.Slice(_itemStartInChunk, _itemLengthInChunk));
            _itemStartInChunk = -1;
        }

        return kind;
    }

    /// <inheritdoc cref="ParseStable(ReadOnlyMemory{byte}, out int, bool)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private SseItemKind ParseStable(byte[] array, int start, int length, out int consumed, bool holdPartialLine = false)
    {
        SseItemKind kind = ParseChunk(new ReadOnlySpan<byte>(array, start, length), isStable: true, out consumed, holdPartialLine);
        if (kind != SseItemKind.None && _itemStartInChunk >= 0)
        {
            Debug.Assert(_itemStartInChunk + _itemLengthInChunk <= length, "An item said to lie in the chunk lies within it.");
            SetCurrent(array, start + _itemStartInChunk, _itemLengthInChunk);
            _itemStartInChunk = -1;
        }

        return kind;
    }

    /// <summary>Makes <paramref name="length"/> bytes from <paramref name="start"/> of <paramref name="array"/> the current item's.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void SetCurrent(byte[] array, int start, int length)
    {
        if (!ReferenceEquals(_currentOwner, array))
        {
            _currentOwner = array;
        }

        _currentStart = start;
        _currentLength = length;
    }

    /// <summary>Makes <paramref name="memory"/> the current item's bytes.</summary>
    private void SetCurrent(ReadOnlyMemory<byte> memory)
    {
        if (MemoryMarshal.TryGetArray(memory, out ArraySegment<byte> segment))
        {
            SetCurrent(segment.Array!, segment.Offset, segment.Count);
        }
        else if (MemoryMarshal.TryGetMemoryManager(memory, out MemoryManager<byte>? manager, out int start, out int length))
        {
            _currentOwner = manager;
            _currentStart = start;
            _currentLength = length;
        }
        else
        {
            // Only empty memory has neither an array nor a manager behind it.
            Debug.Assert(memory.IsEmpty, "Memory of bytes is an array's or a memory manager's.");
            ClearCurrent();
        }
    }

    /// <summary>No bytes are current; the buffer they lay in is not referenced any more.</summary>
    private void ClearCurrent()
    {
        _currentOwner = null;
        _currentStart = 0;
        _currentLength = 0;
    }

    private void ThrowIfDisposed()
    {
        if (_disposed)
        {
            ThrowHelper.ThrowObjectDisposed(this);
        }
    }

    [DoesNotReturn]
    private void ThrowUnusable()
    {
        ThrowIfDisposed();
        ThrowHelper.ThrowFaulted(_fault!);
    }

    [DoesNotReturn]
    private void FailLineTooLong(long lineStartOffset)
    {
        var exception = ThrowHelper.CreateLineTooLong(_maxLineLength, lineStartOffset + _maxLineLength);
        _fault = exception;
        throw exception;
    }

    [DoesNotReturn]
    private void FailEventTooLarge(long byteOffset)
    {
        var exception = ThrowHelper.CreateEventTooLarge(_maxEventSize, byteOffset);
        _fault = exception;
        throw exception;
    }
}

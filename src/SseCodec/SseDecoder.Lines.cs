using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace SseCodec;

// The spec algorithm: line splitting ("Parsing an event stream", WHATWG HTML §9.2.5) and
// field processing and dispatch ("Interpreting an event stream", §9.2.6), over one chunk at a time.
public sealed partial class SseDecoder
{
    private const byte Cr = (byte)'\r';
    private const byte Lf = (byte)'\n';
    private const byte Colon = (byte)':';
    private const byte Space = (byte)' ';
    private const int BomResolved = 3;

    // The largest reconnection time a TimeSpan can hold, in milliseconds; a larger retry value is ignored.
    private const long MaxRetryMilliseconds = long.MaxValue / TimeSpan.TicksPerMillisecond;

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    // Position and line-ending state.
    private long _streamOffset;
    private int _bomState;
    private bool _skipLeadingLf;

    // A line still waiting for its end: in the line buffer, or held in the caller's buffer (see ParseChunk's
    // holdPartialLine), of which the first _heldLineSearched bytes are known to hold no line end.
    private int _heldLineSearched;
    private byte[] _lineBuffer = [];
    private int _lineLength;
    private long _lineStartOffset;

    // The data buffer holds the data lines joined by LF; the LF the spec appends after the last line is implied,
    // which is the same as removing it at dispatch. While the event has a single data line that lies in the current
    // input chunk, the line stays there (_dataRefStart >= 0) and is copied only if the chunk ends before the event does.
    private byte[] _dataBuffer = [];
    private int _dataStart;
    private int _dataLength;
    private bool _hasData;
    private int _dataRefStart = -1;

    // The event type buffer is _eventTypeLength bytes of one of two buffers: the dispatched type's, when the pending type
    // equals the type of the event last dispatched (_eventTypeIsDispatched), or else the spare one, which keeps the type
    // dispatched before that one (and its string) until another type needs it. Streams that repeat or alternate
    // between types copy nothing and look no string up.
    private byte[] _eventTypeBuffer = [];
    private int _eventTypeBufferLength;
    private string? _eventTypeBufferString;
    private int _eventTypeLength;
    private bool _eventTypeIsDispatched;
    private byte[] _dispatchedType = [];
    private int _dispatchedTypeLength;
    private bool _dispatchedIsMessage = true;
    private string? _dispatchedTypeString;

    // The last event ID buffer, and the event source's last event ID string. While no id field is pending
    // (_idChanged), the buffer's value is the committed one and only _lastEventId is read.
    private byte[] _idBuffer = [];
    private int _idLength;
    private bool _idChanged;
    private byte[] _lastEventId = [];
    private int _lastEventIdLength;
    private string? _lastEventIdString = string.Empty;

    private TimeSpan? _reconnectionTime;

    /// <summary>
    /// Parses lines from <paramref name="chunk"/> until one produces a wanted item or the chunk runs out.
    /// Every byte up to <paramref name="consumed"/> has been processed or kept; nothing is re-read.
    /// <paramref name="isStable"/>: the chunk is memory that stays valid until the next read, so items may point into it.
    /// <paramref name="holdPartialLine"/>: a line whose end is not in the chunk is left unconsumed (the caller passes its
    /// bytes again, with more after them) instead of being copied into the line buffer.
    /// </summary>
    private SseItemKind ParseChunk(ReadOnlySpan<byte> chunk, bool isStable, out int consumed, bool holdPartialLine = false)
    {
        int pos = 0;

        // Spec: lines end with "a single U+000D CARRIAGE RETURN (CR) character not followed by a U+000A LINE FEED (LF)
        // character". The line before a CR that ended the last chunk has been processed already; an LF that starts
        // this chunk completes that CRLF and is not a line of its own.
        if (_skipLeadingLf && !chunk.IsEmpty)
        {
            _skipLeadingLf = false;
            if (chunk[0] == Lf)
            {
                pos = 1;
            }
        }

        if (_bomState != BomResolved)
        {
            pos = SkipByteOrderMark(chunk, pos);
        }

        SseItemKind kind;
        if (_lineLength != 0 && pos < chunk.Length)
        {
            // The first line began in an earlier chunk and waits in the line buffer.
            kind = CompleteBufferedLine(chunk, ref pos);
            if (kind != SseItemKind.None)
            {
                return Consume(chunk, pos, kind, out consumed);
            }
        }

        // From here on every line starts in this chunk: it is parsed where it lies.
        var lineEnds = new LineEndScanner(chunk);
        while (pos < chunk.Length)
        {
            // Spec: "...with a U+000D CARRIAGE RETURN U+000A LINE FEED (CRLF) character pair, a single U+000A LINE FEED (LF)
            // character not preceded by a U+000D CARRIAGE RETURN (CR) character, and a single U+000D CARRIAGE RETURN (CR)
            // character not followed by a U+000A LINE FEED (LF) character being the ways in which a line can end."
            // A blank line, the most common line there is, needs no search. Otherwise look no further than the line
            // may reach, so a line over the limit is rejected without scanning on.
            int eol = pos;
            byte first = chunk[pos];
            if (first is not (Lf or Cr))
            {
                int searchEnd = chunk.Length - pos > _maxLineLength ? pos + _maxLineLength + 1 : chunk.Length;
                int searchFrom = pos;
                if (_heldLineSearched != 0)
                {
                    // A held line comes back with more bytes after it: those already searched hold no line end.
                    searchFrom += _heldLineSearched;
                    _heldLineSearched = 0;
                }

                eol = lineEnds.Next(searchFrom, searchEnd);
                if (eol < 0)
                {
                    KeepPartialLine(chunk, ref pos, holdPartialLine);
                    break;
                }
            }

            int next = eol + 1;
            if (chunk[eol] == Cr)
            {
                if (next < chunk.Length)
                {
                    if (chunk[next] == Lf)
                    {
                        next++;
                    }
                }
                else
                {
                    // Whether an LF follows is for the next chunk to tell; the line has ended either way.
                    _skipLeadingLf = true;
                }
            }

            if (eol == pos)
            {
                // Spec: "If the line is empty (a blank line): Dispatch the event, as defined below."
                pos = next;
                kind = DispatchEvent();
            }
            else if (IsField(chunk.Slice(pos, eol - pos), DataName, 4))
            {
                ReadOnlySpan<byte> line = chunk.Slice(pos, eol - pos);
                int valueStart = ValueStart(line, 4);
                if (!_hasData && isStable && line.Length - valueStart <= _maxEventSize)
                {
                    // The first data line of an event, in memory that stays put: it stays where it is (see AppendData).
                    _hasData = true;
                    _dataLength = line.Length - valueStart;
                    _dataRefStart = pos + valueStart;
                }
                else
                {
                    AppendData(chunk, line.Slice(valueStart), pos + valueStart, valueStart, _streamOffset + pos, isStable);
                }

                pos = next;
                continue;
            }
            else
            {
                kind = ProcessLine(chunk, chunk.Slice(pos, eol - pos), pos, _streamOffset + pos, isStable);
                pos = next;
            }

            if (kind != SseItemKind.None)
            {
                return Consume(chunk, pos, kind, out consumed);
            }
        }

        KeepDataReference(chunk);
        _streamOffset += pos;
        consumed = pos;
        return SseItemKind.None;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private SseItemKind Consume(ReadOnlySpan<byte> chunk, int pos, SseItemKind kind, out int consumed)
    {
        if (kind != SseItemKind.Event)
        {
            KeepDataReference(chunk);
        }

        _streamOffset += pos;
        consumed = pos;
        return kind;
    }

    /// <summary>The chunk ends inside a line: the caller holds it (<paramref name="holdPartialLine"/>) or the line buffer keeps it.</summary>
    private void KeepPartialLine(ReadOnlySpan<byte> chunk, ref int pos, bool holdPartialLine)
    {
        ReadOnlySpan<byte> rest = chunk.Slice(pos);
        if (rest.Length > _maxLineLength)
        {
            FailLineTooLong(_streamOffset + pos);
        }

        if (holdPartialLine)
        {
            // The caller keeps the line in its buffer and reads more after it, so the whole line ends up in one buffer
            // and its data can be a slice of it.
            _heldLineSearched = rest.Length;
            return;
        }

        AppendToLine(rest, _streamOffset + pos);
        pos = chunk.Length;
    }

    /// <summary>Adds the chunk's first bytes to the line waiting in the line buffer, and processes the line if it ends here.</summary>
    private SseItemKind CompleteBufferedLine(ReadOnlySpan<byte> chunk, ref int pos)
    {
        ReadOnlySpan<byte> rest = chunk.Slice(pos);
        int budget = _maxLineLength - _lineLength;
        int eol = rest.Slice(0, Math.Min(rest.Length, budget + 1)).IndexOfAny(Cr, Lf);
        if (eol < 0)
        {
            if (rest.Length > budget)
            {
                FailLineTooLong(_lineStartOffset);
            }

            AppendToLine(rest, _streamOffset + pos);
            pos = chunk.Length;
            return SseItemKind.None;
        }

        AppendToLine(rest.Slice(0, eol), _streamOffset + pos);
        pos += eol + 1;
        if (rest[eol] == Cr)
        {
            if (pos < chunk.Length)
            {
                if (chunk[pos] == Lf)
                {
                    pos++;
                }
            }
            else
            {
                _skipLeadingLf = true;
            }
        }

        int length = _lineLength;
        _lineLength = 0;
        return ProcessLine(chunk, _lineBuffer.AsSpan(0, length), lineOffsetInChunk: -1, _lineStartOffset, isStable: false);
    }

    /// <summary>Processes one complete line (without its ending) and returns the item it produced, if it was wanted.</summary>
    private SseItemKind ProcessLine(ReadOnlySpan<byte> chunk, ReadOnlySpan<byte> line, int lineOffsetInChunk, long lineStartOffset, bool isStable)
    {
        // Spec: "If the line is empty (a blank line): Dispatch the event, as defined below."
        if (line.IsEmpty)
        {
            return DispatchEvent();
        }

        // Spec: "If the line starts with a U+003A COLON character (:): Ignore the line."
        if (line[0] == Colon)
        {
            return (_wanted & (1 << (int)SseItemKind.Comment)) != 0
                ? SetComment(line, lineOffsetInChunk, isStable)
                : SseItemKind.None;
        }

        // Spec: "If the line contains a U+003A COLON character (:): Collect the characters on the line before the first
        // U+003A COLON character (:), and let field be that string." and "Otherwise, the string is not empty but does not
        // contain a U+003A COLON character (:): Process the field ... using the whole line as the field name, and the
        // empty string as the field value." Either way the field name is a known one exactly when the line starts with
        // that name followed by a colon or by the end of the line; every other name is ignored ("Otherwise: The field is
        // ignored."), so known names are recognized by their bytes and nothing else needs parsing. Names are compared
        // as exact bytes: the spec's comparisons are case-sensitive.
        switch (line[0])
        {
            case (byte)'d' when IsField(line, DataName, 4):
            {
                int valueStart = ValueStart(line, 4);
                AppendData(chunk, line.Slice(valueStart), lineOffsetInChunk < 0 ? -1 : lineOffsetInChunk + valueStart, valueStart, lineStartOffset, isStable);
                return SseItemKind.None;
            }

            case (byte)'e' when IsField(line, EventName, 5):
            {
                // Spec: "If the field name is "event": Set the event type buffer to field value."
                // Streams repeat their types: one that equals the last dispatched type is not copied.
                ReadOnlySpan<byte> value = line.Slice(ValueStart(line, 5));
                _eventTypeIsDispatched = value.SequenceEqual(_dispatchedType.AsSpan(0, _dispatchedTypeLength));
                if (!_eventTypeIsDispatched && !value.SequenceEqual(_eventTypeBuffer.AsSpan(0, _eventTypeBufferLength)))
                {
                    CopyInto(ref _eventTypeBuffer, ref _eventTypeBufferLength, value);
                    _eventTypeBufferString = null;
                }

                _eventTypeLength = value.Length;
                return SseItemKind.None;
            }

            case (byte)'i' when line.Length >= 2 && line[1] == (byte)'d' && (line.Length == 2 || line[2] == Colon):
            {
                // Spec: "If the field value does not contain U+0000 NULL, then set the last event ID buffer to the field
                // value. Otherwise, ignore the field."
                ReadOnlySpan<byte> value = line.Slice(ValueStart(line, 2));
                if (!value.Contains((byte)0))
                {
                    CopyInto(ref _idBuffer, ref _idLength, value);
                    _idChanged = true;
                }

                return SseItemKind.None;
            }

            case (byte)'r' when IsField(line, RetryName, 5):
                return SetReconnectionTime(line.Slice(ValueStart(line, 5)));

            default:
                // Spec: "Otherwise: The field is ignored."
                return SseItemKind.None;
        }
    }

    // The first four bytes of "data", "event" and "retry", read as a little-endian integer.
    private const uint DataName = 'd' | ('a' << 8) | ('t' << 16) | ((uint)'a' << 24);
    private const uint EventName = 'e' | ('v' << 8) | ('e' << 16) | ((uint)'n' << 24);
    private const uint RetryName = 'r' | ('e' << 8) | ('t' << 16) | ((uint)'r' << 24);

    /// <summary>
    /// Whether <paramref name="line"/> is the field whose name is <paramref name="nameLength"/> bytes long and starts with
    /// <paramref name="firstFour"/>: the name, then a colon or the end of the line.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsField(ReadOnlySpan<byte> line, uint firstFour, int nameLength)
    {
        if (line.Length < nameLength || BinaryPrimitives.ReadUInt32LittleEndian(line) != firstFour)
        {
            return false;
        }

        // "event" and "retry" have a fifth byte: 't' and 'y'.
        if (nameLength == 5 && line[4] != (firstFour == EventName ? (byte)'t' : (byte)'y'))
        {
            return false;
        }

        return line.Length == nameLength || line[nameLength] == Colon;
    }

    /// <summary>
    /// Where the value of a field line starts. Spec: "Collect the characters on the line after the first U+003A COLON
    /// character (:), and let value be that string. If value starts with a U+0020 SPACE character, remove it from value."
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ValueStart(ReadOnlySpan<byte> line, int nameLength)
    {
        int start = nameLength + 1;
        if (start > line.Length)
        {
            return line.Length;
        }

        return start < line.Length && line[start] == Space ? start + 1 : start;
    }

    /// <summary>
    /// Spec: "If the field name is "data": Append the field value to the data buffer, then append a single
    /// U+000A LINE FEED (LF) character to the data buffer."
    /// </summary>
    private void AppendData(ReadOnlySpan<byte> chunk, ReadOnlySpan<byte> value, int valueOffsetInChunk, int valueStartInLine, long lineStartOffset, bool isStable)
    {
        int separator = _hasData ? 1 : 0;
        if ((long)_dataLength + separator + value.Length > _maxEventSize)
        {
            FailEventTooLarge(lineStartOffset + valueStartInLine + Math.Max(0, _maxEventSize - _dataLength - separator));
        }

        if (!_hasData)
        {
            _hasData = true;
            _dataLength = value.Length;
            if (valueOffsetInChunk >= 0 && isStable)
            {
                // A single line inside the chunk: leave it there.
                _dataRefStart = valueOffsetInChunk;
                return;
            }

            if (valueOffsetInChunk < 0)
            {
                // The line was assembled in the line buffer: that buffer becomes the data buffer, no copy.
                (_lineBuffer, _dataBuffer) = (_dataBuffer, _lineBuffer);
                _dataStart = valueStartInLine;
                if (_lineBuffer.Length > _maxLineLength)
                {
                    // The former data buffer may be event-sized: a line never needs more than the line limit, and
                    // keeping it would let the decoder hold more than its documented bound. Return it.
                    ReturnBuffer(ref _lineBuffer);
                }

                return;
            }

            _dataStart = 0;
            _dataLength = 0;
            EnsureDataCapacity(value.Length);
            value.CopyTo(_dataBuffer);
            _dataLength = value.Length;
            return;
        }

        KeepDataReference(chunk);
        EnsureDataCapacity(1 + value.Length);
        Span<byte> destination = _dataBuffer.AsSpan(_dataStart + _dataLength);
        destination[0] = Lf;
        value.CopyTo(destination.Slice(1));
        _dataLength += 1 + value.Length;
    }

    /// <summary>
    /// Spec: "If the field name is "retry": If the field value consists of only ASCII digits, then interpret the field
    /// value as an integer in base ten, and set the event stream's reconnection time to that integer. Otherwise, ignore the field."
    /// </summary>
    /// <remarks>An empty value is ignored (there is no integer to interpret), and so is one too large for a <see cref="TimeSpan"/>.</remarks>
    private SseItemKind SetReconnectionTime(ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty)
        {
            return SseItemKind.None;
        }

        long milliseconds = 0;
        foreach (byte b in value)
        {
            uint digit = (uint)(b - '0');
            if (digit > 9 || milliseconds > (MaxRetryMilliseconds - digit) / 10)
            {
                return SseItemKind.None;
            }

            milliseconds = (milliseconds * 10) + digit;
        }

        // Exact on every target: before .NET 9 TimeSpan.FromMilliseconds has only a double overload, which rounds
        // large values (922337203685477 ms came out 336 ticks short). The loop above keeps the product in range.
        _reconnectionTime = TimeSpan.FromTicks(milliseconds * TimeSpan.TicksPerMillisecond);
        return (_wanted & (1 << (int)SseItemKind.ReconnectionTime)) != 0 ? SseItemKind.ReconnectionTime : SseItemKind.None;
    }

    /// <summary>Makes a wanted comment the current item: its text after the colon, one leading space removed.</summary>
    private SseItemKind SetComment(ReadOnlySpan<byte> line, int lineOffsetInChunk, bool isStable)
    {
        int start = line.Length > 1 && line[1] == Space ? 2 : 1;
        int length = line.Length - start;
        if (lineOffsetInChunk < 0)
        {
            // The line is in the line buffer, which is not touched again until the next read.
            _currentBytes = _lineBuffer.AsMemory(start, length);
        }
        else if (isStable)
        {
            _itemRefStart = lineOffsetInChunk + start;
            _itemRefLength = length;
        }
        else
        {
            // The caller's span may be gone by the time the comment is read: keep a copy in the (free) line buffer.
            EnsureCapacity(ref _lineBuffer, length, 0, _maxLineLength);
            line.Slice(start).CopyTo(_lineBuffer);
            _currentBytes = _lineBuffer.AsMemory(0, length);
        }

        return SseItemKind.Comment;
    }

    /// <summary>"Dispatch the event" (WHATWG HTML §9.2.6).</summary>
    private SseItemKind DispatchEvent()
    {
        // Spec: "Set the last event ID string of the event source to the value of the last event ID buffer. The buffer
        // does not get reset, so the last event ID string of the event source remains set to this value until the next
        // time it is set by the server."
        if (_idChanged)
        {
            CommitLastEventId();
        }

        // Spec: "If the data buffer is an empty string, set the data buffer and the event type buffer to the empty string
        // and return." (An empty data line makes the buffer "\n", not empty: _hasData tells the two apart.)
        if (!_hasData)
        {
            _eventTypeLength = 0;
            return SseItemKind.None;
        }

        // Spec: "If the data buffer's last character is a U+000A LINE FEED (LF) character, then remove the last character
        // from the data buffer." The buffer never stores that final LF, so there is nothing to remove.
        if (_dataRefStart >= 0)
        {
            _itemRefStart = _dataRefStart;
            _itemRefLength = _dataLength;
            _dataRefStart = -1;
        }
        else
        {
            _currentBytes = _dataBuffer.AsMemory(_dataStart, _dataLength);
        }

        // Spec: "Initialize event's type attribute to "message" ... If the event type buffer has a value other than the
        // empty string, change the type of the newly created event to equal the value of the event type buffer."
        if (_eventTypeLength == 0)
        {
            _dispatchedIsMessage = true;
        }
        else
        {
            _dispatchedIsMessage = false;
            if (!_eventTypeIsDispatched)
            {
                // The buffers trade places: the event type buffer is emptied below anyway.
                (_dispatchedType, _eventTypeBuffer) = (_eventTypeBuffer, _dispatchedType);
                (_dispatchedTypeLength, _eventTypeBufferLength) = (_eventTypeBufferLength, _dispatchedTypeLength);
                (_dispatchedTypeString, _eventTypeBufferString) = (_eventTypeBufferString, _dispatchedTypeString);
            }
        }

        // Spec: "Set the data buffer and the event type buffer to the empty string."
        _hasData = false;
        _dataLength = 0;
        _dataStart = 0;
        _eventTypeLength = 0;
        return SseItemKind.Event;
    }

    private void CommitLastEventId()
    {
        _idChanged = false;
        ReadOnlySpan<byte> id = _idBuffer.AsSpan(0, _idLength);
        if (!id.SequenceEqual(_lastEventId.AsSpan(0, _lastEventIdLength)))
        {
            // The buffers trade places: while no id field is pending, only the committed ID is read.
            (_lastEventId, _idBuffer) = (_idBuffer, _lastEventId);
            _lastEventIdLength = _idLength;
            _lastEventIdString = null;
        }
    }

    private void DiscardPendingEvent()
    {
        _lineLength = 0;
        _heldLineSearched = 0;
        _hasData = false;
        _dataLength = 0;
        _dataStart = 0;
        _dataRefStart = -1;
        _eventTypeLength = 0;

        // The pending ID is not committed: the last event ID buffer goes back to the last event ID string, which is
        // what the decoder reads while no id field is pending.
        _idChanged = false;
    }

    /// <summary>
    /// Spec: "One leading U+FEFF BYTE ORDER MARK character must be ignored if any are present." Only at the very start of
    /// the stream; its three bytes may arrive in separate chunks. Bytes that turn out not to be a BOM start the first line.
    /// </summary>
    private int SkipByteOrderMark(ReadOnlySpan<byte> chunk, int pos)
    {
        while (pos < chunk.Length)
        {
            if (chunk[pos] != Utf8Bom[_bomState])
            {
                int held = _bomState;
                _bomState = BomResolved;
                if (held > 0)
                {
                    AppendToLine(Utf8Bom.Slice(0, held), 0);
                }

                return pos;
            }

            pos++;
            if (++_bomState == BomResolved)
            {
                return pos;
            }
        }

        return pos;
    }

    /// <summary>Moves a single data line that still points into the chunk into the data buffer, before the chunk goes away.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void KeepDataReference(ReadOnlySpan<byte> chunk)
    {
        if (_dataRefStart >= 0)
        {
            CopyDataReference(chunk);
        }
    }

    private void CopyDataReference(ReadOnlySpan<byte> chunk)
    {
        ReadOnlySpan<byte> line = chunk.Slice(_dataRefStart, _dataLength);
        _dataRefStart = -1;
        _dataStart = 0;
        EnsureCapacity(ref _dataBuffer, line.Length, 0, _maxEventSize);
        line.CopyTo(_dataBuffer);
    }

    /// <summary>Appends bytes of a line whose end has not arrived yet; the limit is checked before the buffer grows.</summary>
    private void AppendToLine(ReadOnlySpan<byte> bytes, long offsetOfBytes)
    {
        if (_lineLength == 0)
        {
            _lineStartOffset = offsetOfBytes;
        }

        int length = _lineLength + bytes.Length;
        if (length > _maxLineLength)
        {
            FailLineTooLong(_lineStartOffset);
        }

        EnsureCapacity(ref _lineBuffer, length, _lineLength, _maxLineLength);
        bytes.CopyTo(_lineBuffer.AsSpan(_lineLength));
        _lineLength = length;
    }

    private void EnsureDataCapacity(int extra)
    {
        int end = _dataStart + _dataLength + extra;
        if (end <= _dataBuffer.Length)
        {
            return;
        }

        if (_dataStart > 0 && _dataLength + extra <= _dataBuffer.Length)
        {
            // Room at the front (the buffer was a line buffer whose field name is no longer needed): slide down.
            _dataBuffer.AsSpan(_dataStart, _dataLength).CopyTo(_dataBuffer);
            _dataStart = 0;
            return;
        }

        byte[] grown = RentAtLeast(_dataLength + extra, _dataBuffer.Length, _maxEventSize);
        _dataBuffer.AsSpan(_dataStart, _dataLength).CopyTo(grown);
        ReturnBuffer(ref _dataBuffer);
        _dataBuffer = grown;
        _dataStart = 0;
    }

    private void CopyInto(ref byte[] buffer, ref int length, ReadOnlySpan<byte> value)
    {
        EnsureCapacity(ref buffer, value.Length, 0, _maxLineLength);
        value.CopyTo(buffer);
        length = value.Length;
    }

    /// <summary>Makes <paramref name="buffer"/> hold at least <paramref name="required"/> bytes, keeping its first <paramref name="keep"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void EnsureCapacity(ref byte[] buffer, int required, int keep, int limit)
    {
        if (required > buffer.Length)
        {
            Grow(ref buffer, required, keep, limit);
        }
    }

    private void Grow(ref byte[] buffer, int required, int keep, int limit)
    {
        byte[] grown = RentAtLeast(required, buffer.Length, limit);
        buffer.AsSpan(0, keep).CopyTo(grown);
        ReturnBuffer(ref buffer);
        buffer = grown;
    }

    /// <summary>Rents a buffer of at least <paramref name="required"/> bytes, doubling the old size but not past the limit.</summary>
    private byte[] RentAtLeast(int required, int currentLength, int limit)
    {
        int size = Math.Max(required, Math.Min(Math.Max(currentLength * 2, 64), limit));
        return _pool.Rent(size);
    }

    private void ReturnBuffer(ref byte[] buffer)
    {
        if (buffer.Length != 0)
        {
            _pool.Return(buffer);
            buffer = [];
        }
    }
}

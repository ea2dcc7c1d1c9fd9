namespace SseCodec;

// Splitting the stream into lines ("Parsing an event stream", WHATWG HTML §9.2.5): the byte order mark, the three line
// endings (also split across chunks), and lines that wait for their end in the line buffer or in the caller's buffer.
public sealed partial class SseDecoder
{
    private const byte Cr = (byte)'\r';
    private const byte Lf = (byte)'\n';
    private const int BomResolved = 3;
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

    /// <summary>
    /// Parses lines from <paramref name="chunk"/> until one produces a wanted item or the chunk runs out.
    /// Every byte up to <paramref name="consumed"/> has been processed or kept; nothing is re-read.
    /// <paramref name="isStable"/>: the chunk is memory that stays valid until the next read, so items may point into it.
    /// <paramref name="holdPartialLine"/>: a line whose end is not in the chunk is left unconsumed (the caller passes its
    /// bytes again, with more after them) instead of being copied into the line buffer.
    /// </summary>
    /// <remarks>
    /// Never inlined: with dynamic PGO the JIT would otherwise inline this whole loop into a hot caller in some processes
    /// and not in others, and the inlined copy ran the decoder's span and memory reads up to 1.7 times slower.
    /// </remarks>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private SseItemKind ParseChunk(ReadOnlySpan<byte> chunk, bool isStable, out int consumed, bool holdPartialLine = false)
    {
        Debug.Assert(_dataLineStartInChunk < 0, "A data line left in an earlier chunk is copied out before that chunk goes away.");
        Debug.Assert(_heldLineSearched == 0 || _lineLength == 0, "A line is held in the caller's buffer or in the line buffer, never both.");
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
            pos = CompleteBufferedLine(chunk, pos, out SseItemKind bufferedLineKind);
            if (bufferedLineKind != SseItemKind.None)
            {
                return Consume(chunk, pos, bufferedLineKind, out consumed);
            }
        }

        // From here on every line starts in this chunk: it is parsed where it lies. A line held in the caller's buffer
        // comes back first, with more bytes after it: those already searched hold no line end.
        ref byte start = ref MemoryMarshal.GetReference(chunk);
        int length = chunk.Length;
        var lineEnds = new LineEndScanner(chunk, searchFloor: pos + _heldLineSearched);
        _heldLineSearched = 0;
        while (pos < length)
        {
            // Spec: "...with a U+000D CARRIAGE RETURN U+000A LINE FEED (CRLF) character pair, a single U+000A LINE FEED (LF)
            // character not preceded by a U+000D CARRIAGE RETURN (CR) character, and a single U+000D CARRIAGE RETURN (CR)
            // character not followed by a U+000A LINE FEED (LF) character being the ways in which a line can end."
            // A blank line, the most common line there is, needs no search. (Positions index the chunk through a
            // reference: each is below `length` by the loop's condition or the scanner's contract.)
            int eol = pos;
            byte first = Unsafe.Add(ref start, pos);
            if (first is not (Lf or Cr))
            {
                eol = lineEnds.Next(pos);
                if (eol < 0)
                {
                    pos = KeepPartialLine(chunk, pos, holdPartialLine);
                    break;
                }

                if (eol - pos > _maxLineLength)
                {
                    FailLineTooLong(_streamOffset + pos);
                }
            }

            int next = eol + 1;
            if (Unsafe.Add(ref start, eol) == Cr)
            {
                if (next < length)
                {
                    if (Unsafe.Add(ref start, next) == Lf)
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
                kind = DispatchEvent(chunk);
            }
            else if (IsField(chunk.Slice(pos, eol - pos), DataName, 4))
            {
                ReadOnlySpan<byte> line = chunk.Slice(pos, eol - pos);
                int valueStart = ValueStart(line, 4);
                int valueLength = line.Length - valueStart;
                if (!_hasData && valueLength <= _maxEventSize)
                {
                    // The first data line of an event: in memory that stays put it stays where it is (see AppendData);
                    // otherwise it is copied to the front of the data buffer, which needs no growth for a usual line.
                    _hasData = true;
                    _dataLength = valueLength;
                    if (isStable)
                    {
                        _dataLineStartInChunk = pos + valueStart;
                    }
                    else
                    {
                        _dataStart = 0;
                        if (valueLength > _dataBuffer.Length)
                        {
                            Grow(ref _dataBuffer, valueLength, 0, _maxEventSize);
                        }

                        line.Slice(valueStart).CopyTo(_dataBuffer);
                    }
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

        DetachFromChunk(chunk);
        _streamOffset += pos;
        consumed = pos;
        return SseItemKind.None;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private SseItemKind Consume(ReadOnlySpan<byte> chunk, int pos, SseItemKind kind, out int consumed)
    {
        if (kind != SseItemKind.Event)
        {
            DetachFromChunk(chunk);
        }

        _streamOffset += pos;
        consumed = pos;
        return kind;
    }

    /// <summary>
    /// The chunk ends inside a line: the caller holds it (<paramref name="holdPartialLine"/>) or the line buffer keeps it.
    /// Returns where consumption stops. (Positions are passed by value, never by reference: a local whose address is
    /// taken lives in memory for the whole of ParseChunk's loop.)
    /// </summary>
    private int KeepPartialLine(ReadOnlySpan<byte> chunk, int pos, bool holdPartialLine)
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
            return pos;
        }

        AppendToLine(rest, _streamOffset + pos);
        return chunk.Length;
    }

    /// <summary>
    /// Adds the chunk's first bytes to the line waiting in the line buffer, and processes the line if it ends here.
    /// Returns the position after what was consumed.
    /// </summary>
    private int CompleteBufferedLine(ReadOnlySpan<byte> chunk, int pos, out SseItemKind kind)
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
            kind = SseItemKind.None;
            return chunk.Length;
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
        kind = ProcessLine(chunk, _lineBuffer.AsSpan(0, length), lineOffsetInChunk: -1, _lineStartOffset, isStable: false);
        return pos;
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
}

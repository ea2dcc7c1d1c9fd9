namespace SseCodec;

// The data buffer: data lines joined by LF, or a single data line left where it lies in the input chunk.
public sealed partial class SseDecoder
{
    // The data buffer holds the data lines joined by LF; the LF the spec appends after the last line is implied,
    // which is the same as removing it at dispatch. While the event has a single data line that lies in the current
    // input chunk, the line stays there (_dataLineStartInChunk >= 0) and is copied only if the chunk ends before the event does.
    private byte[] _dataBuffer = [];
    private int _dataStart;
    private int _dataLength;
    private bool _hasData;
    private int _dataLineStartInChunk = -1;

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
                _dataLineStartInChunk = valueOffsetInChunk;
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

        DetachDataFromChunk(chunk);
        EnsureDataCapacity(1 + value.Length);
        Span<byte> destination = _dataBuffer.AsSpan(_dataStart + _dataLength);
        destination[0] = Lf;
        value.CopyTo(destination.Slice(1));
        _dataLength += 1 + value.Length;
    }

    /// <summary>Copies what of the pending event still lies in the chunk (a lone data line, an ID) before the chunk goes away.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void DetachFromChunk(ReadOnlySpan<byte> chunk)
    {
        DetachDataFromChunk(chunk);
        DetachIdFromChunk(chunk);
    }

    /// <summary>Moves a single data line that still points into the chunk into the data buffer, before the chunk goes away.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void DetachDataFromChunk(ReadOnlySpan<byte> chunk)
    {
        if (_dataLineStartInChunk >= 0)
        {
            CopyDataLineToBuffer(chunk);
        }
    }

    private void CopyDataLineToBuffer(ReadOnlySpan<byte> chunk)
    {
        ReadOnlySpan<byte> line = chunk.Slice(_dataLineStartInChunk, _dataLength);
        _dataLineStartInChunk = -1;
        _dataStart = 0;
        EnsureCapacity(ref _dataBuffer, line.Length, 0, _maxEventSize);
        line.CopyTo(_dataBuffer);
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
}

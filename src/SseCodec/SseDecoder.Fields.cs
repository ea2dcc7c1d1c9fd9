using System.Buffers.Binary;

namespace SseCodec;

// Processing one line as a field ("Interpreting an event stream", WHATWG HTML §9.2.6): recognising the field name,
// finding its value, comments and the retry field. The data, event and id fields hand their values to their own files.
public sealed partial class SseDecoder
{
    private const byte Colon = (byte)':';
    private const byte Space = (byte)' ';

    /// <summary>Processes one complete line (without its ending) and returns the item it produced, if it was wanted.</summary>
    private SseItemKind ProcessLine(ReadOnlySpan<byte> chunk, ReadOnlySpan<byte> line, int lineOffsetInChunk, long lineStartOffset, bool isStable)
    {
        // Spec: "If the line is empty (a blank line): Dispatch the event, as defined below."
        if (line.IsEmpty)
        {
            return DispatchEvent(chunk);
        }

        // Spec: "If the line starts with a U+003A COLON character (:): Ignore the line."
        if (line[0] == Colon)
        {
            return (_wantedItems & (1 << (int)SseItemKind.Comment)) != 0
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
                // Spec: "If the field name is "event": Set the event type buffer to field value."
                SetEventType(line.Slice(ValueStart(line, 5)));
                return SseItemKind.None;

            case (byte)'i' when line.Length >= 2 && line[1] == (byte)'d' && (line.Length == 2 || line[2] == Colon):
                // Spec: "If the field name is "id": If the field value does not contain U+0000 NULL, then set the last
                // event ID buffer to the field value. Otherwise, ignore the field."
                int idValueStart = ValueStart(line, 2);
                SetLastEventIdBuffer(chunk, line.Slice(idValueStart), lineOffsetInChunk < 0 ? -1 : lineOffsetInChunk + idValueStart);
                return SseItemKind.None;

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

    /// <summary>Makes a wanted comment the current item: its text after the colon, one leading space removed.</summary>
    private SseItemKind SetComment(ReadOnlySpan<byte> line, int lineOffsetInChunk, bool isStable)
    {
        int start = line.Length > 1 && line[1] == Space ? 2 : 1;
        int length = line.Length - start;
        if (lineOffsetInChunk < 0)
        {
            // The line is in the line buffer, which is not touched again until the next read.
            SetCurrent(_lineBuffer, start, length);
        }
        else if (isStable)
        {
            _itemStartInChunk = lineOffsetInChunk + start;
            _itemLengthInChunk = length;
        }
        else
        {
            // The caller's span may be gone by the time the comment is read: keep a copy in the (free) line buffer.
            EnsureCapacity(ref _lineBuffer, length, 0, _maxLineLength);
            line.Slice(start).CopyTo(_lineBuffer);
            SetCurrent(_lineBuffer, 0, length);
        }

        return SseItemKind.Comment;
    }

    // The largest reconnection time a TimeSpan can hold, in milliseconds; a larger retry value is ignored.
    private const long MaxRetryMilliseconds = long.MaxValue / TimeSpan.TicksPerMillisecond;
    private TimeSpan? _reconnectionTime;

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
        return (_wantedItems & (1 << (int)SseItemKind.ReconnectionTime)) != 0 ? SseItemKind.ReconnectionTime : SseItemKind.None;
    }
}

using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace SseCodec;

public static partial class SseEncoder
{
    /// <summary>An event's <c>event</c>, <c>id</c> and <c>retry</c> lines: validated and measured before anything is written.</summary>
    private readonly ref struct EventHeader
    {
        private readonly string? _eventType;
        private readonly string? _id;
        private readonly long _retryMilliseconds;
        private readonly bool _eventTypeIsAscii;
        private readonly bool _idIsAscii;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public EventHeader(string? eventType, string? id, TimeSpan? retry)
        {
            int maxSize = 0;

            // Spec: "If the event type buffer has a value other than the empty string, change the type of the newly
            // created event to equal the value of the event type buffer." Empty and "message" both give "message".
            if (!string.IsNullOrEmpty(eventType) && !eventType.Equals("message", StringComparison.Ordinal))
            {
                if (!IsSafeValue(eventType, rejectNul: false, out _eventTypeIsAscii))
                {
                    ThrowHelper.ThrowEventTypeHasLineBreak(nameof(eventType));
                }

                _eventType = eventType;
                maxSize += EventPrefix.Length + (_eventTypeIsAscii ? 1 : MaxUtf8BytesPerChar) * eventType.Length + 1;
            }

            if (id is not null)
            {
                // Spec: "If the field value does not contain U+0000 NULL, then set the last event ID buffer to the
                // field value. Otherwise, ignore the field." An id with NUL would be dropped silently: reject it.
                if (!IsSafeValue(id, rejectNul: true, out _idIsAscii))
                {
                    ThrowHelper.ThrowInvalidEventId(nameof(id));
                }

                _id = id;
                maxSize += IdPrefix.Length + (_idIsAscii ? 1 : MaxUtf8BytesPerChar) * id.Length + 1;
            }

            _retryMilliseconds = -1;
            if (retry is TimeSpan value)
            {
                if (value < TimeSpan.Zero)
                {
                    ThrowHelper.ThrowNegativeRetry(nameof(retry), value);
                }

                _retryMilliseconds = value.Ticks / TimeSpan.TicksPerMillisecond;
                maxSize += RetryPrefix.Length + CountDigits((ulong)_retryMilliseconds) + 1;
            }

            MaxSize = maxSize;
        }

        /// <summary>An upper bound of <see cref="Size"/>, from lengths alone (a UTF-16 unit takes at most 3 UTF-8 bytes).</summary>
        public int MaxSize { get; }

        /// <summary>The exact size of the lines, in bytes.</summary>
        public int Size
        {
            get
            {
                int size = 0;
                if (_eventType is not null)
                {
                    size += EventPrefix.Length + (_eventTypeIsAscii ? _eventType.Length : Utf8Length(_eventType)) + 1;
                }

                if (_id is not null)
                {
                    size += IdPrefix.Length + (_idIsAscii ? _id.Length : Utf8Length(_id)) + 1;
                }

                if (_retryMilliseconds >= 0)
                {
                    size += RetryPrefix.Length + CountDigits((ulong)_retryMilliseconds) + 1;
                }

                return size;
            }
        }

        /// <summary>Writes the lines into <paramref name="destination"/>, which holds at least <see cref="MaxSize"/> bytes.</summary>
        /// <returns>The number of bytes written.</returns>
        public int WriteTo(Span<byte> destination)
        {
            int written = 0;
            if (_eventType is not null)
            {
                written += WriteLineTo(destination, EventPrefix, _eventType, _eventTypeIsAscii);
            }

            if (_id is not null)
            {
                written += WriteLineTo(destination.Slice(written), IdPrefix, _id, _idIsAscii);
            }

            if (_retryMilliseconds >= 0)
            {
                Span<byte> line = destination.Slice(written);
                RetryPrefix.CopyTo(line);
                bool formatted = _retryMilliseconds.TryFormat(line.Slice(RetryPrefix.Length), out int digits, default, System.Globalization.CultureInfo.InvariantCulture);
                Debug.Assert(formatted);
                line[RetryPrefix.Length + digits] = Lf;
                written += RetryPrefix.Length + digits + 1;
            }

            return written;
        }

        private static int WriteLineTo(Span<byte> destination, ReadOnlySpan<byte> prefix, string value, bool isAscii)
        {
            prefix.CopyTo(destination);
            int length = prefix.Length;
            if (isAscii && value.Length <= ShortValueLength)
            {
                // Known to be ASCII: each char is its byte, and a plain loop beats setting up a vectorized transcoder.
                Span<byte> target = destination.Slice(length, value.Length);
                for (int i = 0; i < target.Length; i++)
                {
                    target[i] = (byte)value[i];
                }

                length += value.Length;
            }
            else
            {
                length += TranscodeTo(destination.Slice(length), value);
            }

            destination[length] = Lf;
            return length + 1;
        }

        /// <summary>
        /// Whether <paramref name="value"/> is free of CR and LF (and of U+0000 when <paramref name="rejectNul"/>), and
        /// whether it is all ASCII: one pass over a short value, which event types and ids nearly always are.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static bool IsSafeValue(string value, bool rejectNul, out bool isAscii)
        {
            if (value.Length > ShortValueLength)
            {
                isAscii = System.Text.Ascii.IsValid(value);
                return rejectNul ? !value.AsSpan().ContainsAny('\r', '\n', '\0') : !value.AsSpan().ContainsAny('\r', '\n');
            }

            uint all = 0;
            foreach (char c in value)
            {
                // CR, LF and NUL are all at or below CR; most characters are above it and cost one compare.
                if (c <= '\r' && (c == '\r' || c == '\n' || (rejectNul && c == '\0')))
                {
                    isAscii = false;
                    return false;
                }

                all |= c;
            }

            isAscii = all < 0x80;
            return true;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Write(ref BufferCursor cursor)
        {
            if (_eventType is not null)
            {
                cursor.Write(EventPrefix);
                cursor.WriteUtf16(_eventType);
                cursor.WriteByte(Lf);
            }

            if (_id is not null)
            {
                cursor.Write(IdPrefix);
                cursor.WriteUtf16(_id);
                cursor.WriteByte(Lf);
            }

            if (_retryMilliseconds >= 0)
            {
                // Spec: "If the field value consists of only ASCII digits, then interpret the field value as an
                // integer in base ten, and set the event stream's reconnection time to that integer."
                cursor.Write(RetryPrefix);
                cursor.WriteDecimal(_retryMilliseconds);
                cursor.WriteByte(Lf);
            }
        }
    }

    /// <summary>Event types and ids up to this many chars are checked and written by a scalar loop.</summary>
    private const int ShortValueLength = 32;

    private static ReadOnlySpan<byte> EventPrefix => "event: "u8;

    private static ReadOnlySpan<byte> IdPrefix => "id: "u8;

    private static ReadOnlySpan<byte> RetryPrefix => "retry: "u8;

    private static int CountDigits(ulong value)
    {
        int digits = 1;
        while (value >= 10)
        {
            value /= 10;
            digits++;
        }

        return digits;
    }
}

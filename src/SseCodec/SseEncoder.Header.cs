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

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public EventHeader(string? eventType, string? id, TimeSpan? retry)
        {
            int maxSize = 0;

            // Spec: "If the event type buffer has a value other than the empty string, change the type of the newly
            // created event to equal the value of the event type buffer." Empty and "message" both give "message".
            if (!string.IsNullOrEmpty(eventType) && !eventType.Equals("message", StringComparison.Ordinal))
            {
                if (eventType.AsSpan().ContainsAny('\r', '\n'))
                {
                    ThrowHelper.ThrowEventTypeHasLineBreak(nameof(eventType));
                }

                _eventType = eventType;
                maxSize += EventPrefix.Length + (MaxUtf8BytesPerChar * eventType.Length) + 1;
            }

            if (id is not null)
            {
                // Spec: "If the field value does not contain U+0000 NULL, then set the last event ID buffer to the
                // field value. Otherwise, ignore the field." An id with NUL would be dropped silently: reject it.
                if (id.AsSpan().ContainsAny('\r', '\n', '\0'))
                {
                    ThrowHelper.ThrowInvalidEventId(nameof(id));
                }

                _id = id;
                maxSize += IdPrefix.Length + (MaxUtf8BytesPerChar * id.Length) + 1;
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
                    size += EventPrefix.Length + Utf8Length(_eventType) + 1;
                }

                if (_id is not null)
                {
                    size += IdPrefix.Length + Utf8Length(_id) + 1;
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
                written += WriteLineTo(destination, EventPrefix, _eventType);
            }

            if (_id is not null)
            {
                written += WriteLineTo(destination.Slice(written), IdPrefix, _id);
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

        private static int WriteLineTo(Span<byte> destination, ReadOnlySpan<byte> prefix, string value)
        {
            prefix.CopyTo(destination);
            int length = prefix.Length + TranscodeTo(destination.Slice(prefix.Length), value);
            destination[length] = Lf;
            return length + 1;
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

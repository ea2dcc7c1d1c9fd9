using System.Buffers;
using System.Globalization;
using System.Text.Unicode;

namespace SseCodec;

public static partial class SseEncoder
{
    /// <summary>The digits of the largest reconnection time, <see cref="TimeSpan.MaxValue"/> in milliseconds (922337203685477).</summary>
    private const int MaxRetryDigits = 15;

    private static ReadOnlySpan<byte> EventPrefix => "event: "u8;

    private static ReadOnlySpan<byte> IdPrefix => "id: "u8;

    private static ReadOnlySpan<byte> RetryPrefix => "retry: "u8;

    /// <summary>
    /// An event's <c>event</c>, <c>id</c> and <c>retry</c> lines: the one writer of them. A header whose lines fit one
    /// span (any of up to about a thousand chars) is checked as it is copied into the writer's memory, before anything
    /// is advanced; a larger one is checked when made, then written in pieces.
    /// </summary>
    private readonly ref struct EventHeader
    {
        private readonly string? _eventType;
        private readonly string? _id;
        private readonly long _retryMilliseconds;

        /// <summary>The lines' size if every value is ASCII, which nearly all are.</summary>
        private readonly int _expectedSize;

        /// <summary>The lines' largest possible size (a UTF-16 unit takes at most 3 UTF-8 bytes).</summary>
        private readonly long _maxSize;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public EventHeader(string? eventType, string? id, TimeSpan? retry)
        {
            long maxSize = 0;
            int expectedSize = 0;

            // Spec: "If the event type buffer has a value other than the empty string, change the type of the newly
            // created event to equal the value of the event type buffer." Empty and "message" both give "message".
            if (!string.IsNullOrEmpty(eventType) && !eventType!.Equals("message", StringComparison.Ordinal))
            {
                _eventType = eventType;
                expectedSize += EventPrefix.Length + eventType.Length + 1;
                maxSize += EventPrefix.Length + ((long)MaxUtf8BytesPerChar * eventType.Length) + 1;
            }

            if (id is not null)
            {
                _id = id;
                expectedSize += IdPrefix.Length + id.Length + 1;
                maxSize += IdPrefix.Length + ((long)MaxUtf8BytesPerChar * id.Length) + 1;
            }

            _retryMilliseconds = -1;
            if (retry is TimeSpan value)
            {
                if (value < TimeSpan.Zero)
                {
                    ThrowHelper.ThrowNegativeRetry(nameof(retry), value);
                }

                _retryMilliseconds = value.Ticks / TimeSpan.TicksPerMillisecond;
                expectedSize += RetryPrefix.Length + MaxRetryDigits + 1;
                maxSize += RetryPrefix.Length + MaxRetryDigits + 1;
            }

            _expectedSize = expectedSize;
            _maxSize = maxSize;
            if (!FitsOneSpan)
            {
                // Written in pieces: checked now, before any piece is advanced.
                Validate();
            }
        }

        /// <summary>The lines' size in bytes if the values are ASCII: a size hint.</summary>
        public int ExpectedSize => _expectedSize;

        /// <summary>The room the first span needs for the lines to go into it whole (some lines need no more than 8 bytes).</summary>
        public int FirstSpanRoom => FitsOneSpan ? (int)_maxSize + sizeof(ulong) : sizeof(ulong);

        /// <summary>Whether the lines are sure to fit <paramref name="room"/> bytes of one span (with the room of its 8-byte writes).</summary>
        public bool CanWriteIn(int room) => FitsOneSpan && _maxSize + sizeof(ulong) <= room;

        /// <summary>Whether the lines are written into one span, and checked as they are copied into it.</summary>
        private bool FitsOneSpan => _maxSize + sizeof(ulong) <= BufferCursor.MaxSizeHint;

        /// <summary>
        /// Throws if the event type contains CR or LF or the id contains CR, LF or U+0000: for a caller that must know
        /// before it does anything else (serializing a value).
        /// </summary>
        public void Validate()
        {
            if (_eventType is not null && _eventType.AsSpan().ContainsAny('\r', '\n'))
            {
                ThrowHelper.ThrowEventTypeHasLineBreak("eventType");
            }

            if (_id is not null && _id.AsSpan().ContainsAny('\r', '\n', '\0'))
            {
                ThrowHelper.ThrowInvalidEventId("id");
            }
        }

        /// <summary>Writes the lines; throws, with nothing advanced, if a value is not allowed.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Write(ref BufferCursor cursor)
        {
            if (_maxSize == 0)
            {
                return;
            }

            if (FitsOneSpan)
            {
                // The header is the first thing written: a new span leaves nothing advanced, so a value found bad
                // while it is copied throws before anything reaches the writer.
                cursor.Ensure((int)_maxSize + sizeof(ulong));
                Span<byte> span = cursor.FreeSpan;
                int length = 0;
                if (_eventType is not null)
                {
                    length = WriteLine(span, length, EventLine, EventPrefix.Length, _eventType, isId: false);
                }

                if (_id is not null)
                {
                    length = WriteLine(span, length, IdLine, IdPrefix.Length, _id, isId: true);
                }

                if (_retryMilliseconds >= 0)
                {
                    length = WriteRetryLine(span, length, _retryMilliseconds);
                }

                cursor.Wrote(length);
                return;
            }

            WriteInPieces(ref cursor);
        }

        private void WriteInPieces(ref BufferCursor cursor)
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
                cursor.Ensure(RetryPrefix.Length + MaxRetryDigits + 1);
                cursor.Wrote(WriteRetryLine(cursor.FreeSpan, 0, _retryMilliseconds));
            }
        }

        // The field names and their ": " as 8 bytes in memory order, stored with one write (spare bytes overwritten next).
        private static readonly ulong EventLine = MemoryMarshal.Read<ulong>("event: \0"u8);
        private static readonly ulong IdLine = MemoryMarshal.Read<ulong>("id: \0\0\0\0"u8);

        /// <summary>Writes <c>name: value</c> and an LF at <paramref name="position"/>, checking the value as it is copied.</summary>
        /// <returns>The position after the line.</returns>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static int WriteLine(Span<byte> span, int position, ulong prefix, int prefixLength, string value, bool isId)
        {
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref MemoryMarshal.GetReference(span), position), prefix);
            Span<byte> target = span.Slice(position + prefixLength);

            // Spec: "If the field value does not contain U+0000 NULL, then set the last event ID buffer to the field
            // value. Otherwise, ignore the field." An id with NUL would be dropped silently: it is rejected.
            int written = AsciiNarrower.Narrow(value, target, stopAtNul: isId);
            if (written < value.Length)
            {
                written = WriteNonAsciiValue(target, value, written, isId);
            }

            target[written] = Lf;
            return position + prefixLength + written + 1;
        }

        /// <summary>Checks and transcodes a value that stopped the ASCII copy at <paramref name="stop"/>.</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static int WriteNonAsciiValue(Span<byte> target, string value, int stop, bool isId)
        {
            // A line break would end the field and start another: no caller may inject fields or events.
            ReadOnlySpan<char> rest = value.AsSpan(stop);
            if (isId ? rest.ContainsAny('\r', '\n', '\0') : rest.ContainsAny('\r', '\n'))
            {
                if (isId)
                {
                    ThrowHelper.ThrowInvalidEventId("id");
                }

                ThrowHelper.ThrowEventTypeHasLineBreak("eventType");
            }

            OperationStatus status = Utf8.FromUtf16(rest, target.Slice(stop), out _, out int written, replaceInvalidSequences: true, isFinalBlock: true);
            Debug.Assert(status == OperationStatus.Done);
            return stop + written;
        }

        /// <summary>Writes <c>retry: </c>, the reconnection time in milliseconds and an LF at <paramref name="position"/>.</summary>
        private static int WriteRetryLine(Span<byte> span, int position, long milliseconds)
        {
            // Spec: "If the field value consists of only ASCII digits, then interpret the field value as an
            // integer in base ten, and set the event stream's reconnection time to that integer."
            Span<byte> line = span.Slice(position);
            RetryPrefix.CopyTo(line);
#if NET
            bool formatted = milliseconds.TryFormat(line.Slice(RetryPrefix.Length), out int digits, default, CultureInfo.InvariantCulture);
#else
            // netstandard2.0's long has no UTF-8 TryFormat (Polyfill's makes a string): System.Memory's formatter writes the digits.
            bool formatted = System.Buffers.Text.Utf8Formatter.TryFormat(milliseconds, line.Slice(RetryPrefix.Length), out int digits);
#endif
            Debug.Assert(formatted);
            line[RetryPrefix.Length + digits] = Lf;
            return position + RetryPrefix.Length + digits + 1;
        }
    }
}

using System.Buffers;

namespace SseCodec;

public static partial class SseEncoder
{
    // Spec: "Collect the characters on the line after the first U+003A COLON character (:), and let value be that
    // string. If value starts with a U+0020 SPACE character, remove it from value." One space is always written, so a
    // value that itself begins with a space keeps it.
    internal static ReadOnlySpan<byte> DataPrefix => "data: "u8;

    internal static ReadOnlySpan<byte> CommentPrefix => ": "u8;

    /// <summary>The size of <paramref name="text"/> written as lines, each with a prefix of <paramref name="prefixLength"/> bytes and an LF.</summary>
    internal static long MeasureLines(ReadOnlySpan<byte> text, int prefixLength)
    {
        long size = prefixLength + 1 + text.Length;
        while (true)
        {
            int i = text.IndexOfAny(Cr, Lf);
            if (i < 0)
            {
                return size;
            }

            // The line break is replaced by an LF and the next line's prefix.
            int breakLength = text[i] == Cr && i + 1 < text.Length && text[i + 1] == Lf ? 2 : 1;
            size += prefixLength + 1 - breakLength;
            text = text.Slice(i + breakLength);
        }
    }

    /// <summary>The UTF-8 size of <paramref name="text"/> written as lines, each with a prefix of <paramref name="prefixLength"/> bytes and an LF.</summary>
    internal static long MeasureLines(ReadOnlySpan<char> text, int prefixLength)
    {
        // A line break is one UTF-8 byte, and no surrogate pair straddles one, so the text's UTF-8 length less its
        // line breaks is the length of its lines.
        long size = prefixLength + 1 + (long)Utf8Length(text);
        while (true)
        {
            int i = text.IndexOfAny('\r', '\n');
            if (i < 0)
            {
                return size;
            }

            int breakLength = text[i] == '\r' && i + 1 < text.Length && text[i + 1] == '\n' ? 2 : 1;
            size += prefixLength + 1 - breakLength;
            text = text.Slice(i + breakLength);
        }
    }

    internal static long MeasureLines(in ReadOnlySequence<byte> text, int prefixLength)
    {
        long size = prefixLength + 1;
        var lines = new SequenceLines(text);
        while (lines.TryNext(out ReadOnlySpan<byte> run, out bool lineEnds))
        {
            // The line break itself is replaced by an LF and the next line's prefix.
            size += run.Length + (lineEnds ? 1 + prefixLength : 0);
        }

        return size;
    }

    /// <summary>Writes <paramref name="text"/> as lines, each with <paramref name="prefix"/> and an LF.</summary>
    internal static void WriteLines(ref BufferCursor cursor, ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> text)
    {
        while (true)
        {
            cursor.Write(prefix);
            int i = text.IndexOfAny(Cr, Lf);
            if (i < 0)
            {
                cursor.Write(text);
                cursor.WriteByte(Lf);
                return;
            }

            cursor.Write(text.Slice(0, i));
            cursor.WriteByte(Lf);
            int breakLength = text[i] == Cr && i + 1 < text.Length && text[i + 1] == Lf ? 2 : 1;
            text = text.Slice(i + breakLength);
        }
    }

    internal static void WriteLines(ref BufferCursor cursor, ReadOnlySpan<byte> prefix, ReadOnlySpan<char> text)
    {
        while (true)
        {
            cursor.Write(prefix);
            int i = text.IndexOfAny('\r', '\n');
            if (i < 0)
            {
                cursor.WriteUtf16(text);
                cursor.WriteByte(Lf);
                return;
            }

            cursor.WriteUtf16(text.Slice(0, i));
            cursor.WriteByte(Lf);
            int breakLength = text[i] == '\r' && i + 1 < text.Length && text[i + 1] == '\n' ? 2 : 1;
            text = text.Slice(i + breakLength);
        }
    }

    internal static void WriteLines(ref BufferCursor cursor, ReadOnlySpan<byte> prefix, in ReadOnlySequence<byte> text)
    {
        cursor.Write(prefix);
        var lines = new SequenceLines(text);
        while (lines.TryNext(out ReadOnlySpan<byte> run, out bool lineEnds))
        {
            cursor.Write(run);
            if (lineEnds)
            {
                cursor.WriteByte(Lf);
                cursor.Write(prefix);
            }
        }

        cursor.WriteByte(Lf);
    }

    /// <summary>
    /// Splits text in a sequence of segments into runs of line content, each up to a line break or the end of a segment.
    /// A line break is CR, LF or CRLF, and a CRLF may straddle two segments: the one rule both measuring and writing use.
    /// </summary>
    private ref struct SequenceLines
    {
        private ReadOnlySequence<byte>.Enumerator _segments;
        private ReadOnlySpan<byte> _span;
        private bool _pendingCr;

        public SequenceLines(in ReadOnlySequence<byte> text) => _segments = text.GetEnumerator();

        /// <summary>The next run of content bytes, and whether a line break follows it (rather than the segment's end).</summary>
        public bool TryNext(out ReadOnlySpan<byte> run, out bool lineEnds)
        {
            while (_span.IsEmpty)
            {
                if (!_segments.MoveNext())
                {
                    run = default;
                    lineEnds = false;
                    return false;
                }

                _span = _segments.Current.Span;
                if (_pendingCr && !_span.IsEmpty)
                {
                    // The LF of a CRLF whose CR ended the previous segment: part of a break already reported.
                    _pendingCr = false;
                    if (_span[0] == Lf)
                    {
                        _span = _span.Slice(1);
                    }
                }
            }

            int i = _span.IndexOfAny(Cr, Lf);
            if (i < 0)
            {
                run = _span;
                lineEnds = false;
                _span = default;
                return true;
            }

            run = _span.Slice(0, i);
            lineEnds = true;
            int breakLength = 1;
            if (_span[i] == Cr)
            {
                if (i + 1 == _span.Length)
                {
                    _pendingCr = true;
                }
                else if (_span[i + 1] == Lf)
                {
                    breakLength = 2;
                }
            }

            _span = _span.Slice(i + breakLength);
            return true;
        }
    }

    /// <summary>
    /// An upper bound of the size of <paramref name="text"/> written as <c>data</c> lines, from its length and its count
    /// of CR and LF (each may start a new line) alone. <paramref name="lineBreak"/> is the first CR or LF, or -1.
    /// </summary>
    internal static long MaxDataSize(ReadOnlySpan<byte> text, int lineBreak, int maxBytesPerUnit)
    {
        long lines = 1;
        if (lineBreak >= 0)
        {
            ReadOnlySpan<byte> rest = text.Slice(lineBreak);
            lines += rest.Count(Cr) + rest.Count(Lf);
        }

        return (lines * (DataPrefix.Length + 1)) + ((long)text.Length * maxBytesPerUnit) + 1;
    }

    /// <inheritdoc cref="MaxDataSize(ReadOnlySpan{byte}, int, int)"/>
    internal static long MaxDataSize(ReadOnlySpan<char> text, int lineBreak)
    {
        long lines = 1;
        if (lineBreak >= 0)
        {
            ReadOnlySpan<char> rest = text.Slice(lineBreak);
            lines += rest.Count('\r') + rest.Count('\n');
        }

        return (lines * (DataPrefix.Length + 1)) + ((long)text.Length * MaxUtf8BytesPerChar) + 1;
    }

    /// <summary>Writes <paramref name="text"/> as lines into <paramref name="destination"/>, which is large enough.</summary>
    /// <returns>The number of bytes written.</returns>
    internal static int WriteLinesTo(Span<byte> destination, ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> text, int lineBreak)
    {
        int written = 0;
        while (true)
        {
            prefix.CopyTo(destination.Slice(written));
            written += prefix.Length;
            if (lineBreak < 0)
            {
                text.CopyTo(destination.Slice(written));
                written += text.Length;
                destination[written] = Lf;
                return written + 1;
            }

            text.Slice(0, lineBreak).CopyTo(destination.Slice(written));
            written += lineBreak;
            destination[written++] = Lf;
            int breakLength = text[lineBreak] == Cr && lineBreak + 1 < text.Length && text[lineBreak + 1] == Lf ? 2 : 1;
            text = text.Slice(lineBreak + breakLength);
            lineBreak = text.IndexOfAny(Cr, Lf);
        }
    }

    /// <inheritdoc cref="WriteLinesTo(Span{byte}, ReadOnlySpan{byte}, ReadOnlySpan{byte}, int)"/>
    internal static int WriteLinesTo(Span<byte> destination, ReadOnlySpan<byte> prefix, ReadOnlySpan<char> text, int lineBreak)
    {
        int written = 0;
        while (true)
        {
            prefix.CopyTo(destination.Slice(written));
            written += prefix.Length;
            if (lineBreak < 0)
            {
                written += TranscodeTo(destination.Slice(written), text);
                destination[written] = Lf;
                return written + 1;
            }

            written += TranscodeTo(destination.Slice(written), text.Slice(0, lineBreak));
            destination[written++] = Lf;
            int breakLength = text[lineBreak] == '\r' && lineBreak + 1 < text.Length && text[lineBreak + 1] == '\n' ? 2 : 1;
            text = text.Slice(lineBreak + breakLength);
            lineBreak = text.IndexOfAny('\r', '\n');
        }
    }
}

namespace SseCodec;

/// <summary>
/// Writes UTF-8 text as lines, each line a prefix (<c>data: </c> or <c>: </c>), its content and an LF: the one line
/// splitter of the encoder. Text may come in chunks (segments of a sequence, pieces of transcoded UTF-16); a CRLF whose
/// CR ends one chunk and whose LF starts the next is one line break.
/// </summary>
/// <remarks>
/// Spec (§9.2.5 "Parsing an event stream"): "Lines must be separated by either a U+000D CARRIAGE RETURN U+000A LINE
/// FEED (CRLF) character pair, a single U+000A LINE FEED (LF) character, or a single U+000D CARRIAGE RETURN (CR)
/// character." Each of the three in the text therefore ends a line, and becomes an LF and the next line's prefix.
/// <para>
/// Most text is one line: it costs one vectorized search and one copy. Text with more lines is walked with a
/// <see cref="LineBreakFinder"/>, so each short line costs a bit scan and a copy rather than a search.
/// </para>
/// </remarks>
internal ref struct LineSplitter
{
    /// <summary>The room the prefix and the ending need: each is stored with one 8-byte write.</summary>
    internal const int MinimumRoom = sizeof(ulong);

    private const byte Lf = (byte)'\n';
    private const byte Cr = (byte)'\r';

    /// <summary>Lines up to this long are copied as one 32-byte block where the text and the span have room for it.</summary>
    private const int ShortLineLength = 32;

    // Prefixes and endings as 8 bytes in memory order: each stored with one write, its spare bytes overwritten next.
    private static readonly ulong DataPrefix = Pack("data: "u8);
    private static readonly ulong LineBreakAndDataPrefix = Pack("\ndata: "u8);
    private static readonly ulong CommentPrefix = Pack(": "u8);
    private static readonly ulong LineBreakAndCommentPrefix = Pack("\n: "u8);
    private static readonly ulong LineBreak = Pack("\n"u8);
    private static readonly ulong LineBreakAndBlankLine = Pack("\n\n"u8);

    private readonly ulong _prefix;
    private readonly ulong _lineBreakAndPrefix;
    private readonly int _prefixLength;
    private readonly ulong _ending;
    private readonly int _endingLength;
    private bool _pendingCr;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private LineSplitter(ulong prefix, ulong lineBreakAndPrefix, int prefixLength, ulong ending, int endingLength)
    {
        _prefix = prefix;
        _lineBreakAndPrefix = lineBreakAndPrefix;
        _prefixLength = prefixLength;
        _ending = ending;
        _endingLength = endingLength;
    }

    /// <summary>The prefix's length in bytes.</summary>
    public readonly int PrefixLength => _prefixLength;

    /// <summary>The ending's length in bytes.</summary>
    public readonly int EndingLength => _endingLength;

    /// <summary>
    /// A splitter for an event's data: every line starts with <c>data: </c>, and the last line's LF is followed by the
    /// blank line that dispatches the event.
    /// </summary>
    /// <remarks>
    /// Spec: "Collect the characters on the line after the first U+003A COLON character (:), and let value be that
    /// string. If value starts with a U+0020 SPACE character, remove it from value." One space is always written, so
    /// a line that itself begins with a space keeps it. Spec: "If the line is empty (a blank line) Dispatch the event."
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static LineSplitter ForEventData() => new(DataPrefix, LineBreakAndDataPrefix, "data: ".Length, LineBreakAndBlankLine, 2);

    /// <summary>A splitter for a comment: every line starts with <c>: </c>.</summary>
    /// <remarks>Spec: "If the line starts with a U+003A COLON character (:) Ignore the line."</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static LineSplitter ForComment() => new(CommentPrefix, LineBreakAndCommentPrefix, ": ".Length, LineBreak, 1);

    /// <summary>Writes all of <paramref name="text"/>: the first prefix, its lines and the ending.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteAll(ref BufferCursor cursor, scoped ReadOnlySpan<byte> text)
    {
        // Most text is one line that fits: one search and one copy into one span.
        int lineEnd = _prefixLength + text.Length;
        if (lineEnd + sizeof(ulong) <= cursor.Room && !text.ContainsAny(Cr, Lf))
        {
            Span<byte> target = cursor.FreeSpan;
            WritePrefix(ref MemoryMarshal.GetReference(target));
            text.CopyTo(target.Slice(_prefixLength));
            WriteEnding(ref Unsafe.Add(ref MemoryMarshal.GetReference(target), lineEnd));
            cursor.Wrote(lineEnd + _endingLength);
            return;
        }

        Start(ref cursor);
        Write(ref cursor, text);
        End(ref cursor);
    }

    /// <summary>Writes the first line's prefix at <paramref name="target"/>, which has room for 8 bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void WritePrefix(ref byte target) => Unsafe.WriteUnaligned(ref target, _prefix);

    /// <summary>Writes the ending at <paramref name="target"/>, which has room for 8 bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void WriteEnding(ref byte target) => Unsafe.WriteUnaligned(ref target, _ending);

    /// <summary>Writes the first line's prefix.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void Start(ref BufferCursor cursor)
    {
        cursor.Ensure(sizeof(ulong));
        Unsafe.WriteUnaligned(ref cursor.Free, _prefix);
        cursor.Wrote(_prefixLength);
    }

    /// <summary>Ends the last line (with an LF) and writes what follows it: the blank line that ends an event.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void End(ref BufferCursor cursor)
    {
        cursor.Ensure(sizeof(ulong));
        Unsafe.WriteUnaligned(ref cursor.Free, _ending);
        cursor.Wrote(_endingLength);
    }

    /// <summary>Writes the next chunk of the text.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Write(ref BufferCursor cursor, scoped ReadOnlySpan<byte> chunk)
    {
        int start = 0;
        if (_pendingCr && !chunk.IsEmpty)
        {
            // The LF of a CRLF whose CR ended the previous chunk: part of a line break already written.
            _pendingCr = false;
            if (chunk[0] == Lf)
            {
                start = 1;
            }
        }

        // Most data is one line: one search, one copy.
        int lineBreak = chunk.Slice(start).IndexOfAny(Cr, Lf);
        if (lineBreak < 0)
        {
            cursor.Write(chunk.Slice(start));
            return;
        }

        WriteLines(ref cursor, chunk, start, start + lineBreak);
    }

    /// <summary>Writes the lines of <paramref name="chunk"/> from <paramref name="start"/>, the first ending at <paramref name="lineBreak"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void WriteLines(ref BufferCursor cursor, scoped ReadOnlySpan<byte> chunk, int start, int lineBreak)
    {
        var finder = new LineBreakFinder(chunk);
        ref byte source = ref MemoryMarshal.GetReference(chunk);
        int length = chunk.Length;
        ulong lineBreakAndPrefix = _lineBreakAndPrefix;
        int lineBreakAndPrefixLength = 1 + _prefixLength;

        // Lines go into the cursor's span through a local pointer, and the cursor is told when the span is left: the
        // loop then keeps its state in registers.
        Span<byte> span = cursor.FreeSpan;
        ref byte target = ref MemoryMarshal.GetReference(span);
        int room = span.Length;
        while (true)
        {
            int lineLength = lineBreak - start;
            if (lineLength <= ShortLineLength && start + ShortLineLength <= length && room >= ShortLineLength + sizeof(ulong))
            {
                // A short line: copied as a whole block, whose bytes past the line are overwritten next.
#if NET
                Vector128.LoadUnsafe(ref source, (nuint)start).StoreUnsafe(ref target);
                Vector128.LoadUnsafe(ref source, (nuint)start + 16).StoreUnsafe(ref target, 16);
#else
                Unsafe.CopyBlockUnaligned(ref target, ref Unsafe.Add(ref source, start), ShortLineLength);
#endif
            }
            else if (lineLength + sizeof(ulong) <= room)
            {
                Unsafe.CopyBlockUnaligned(ref target, ref Unsafe.Add(ref source, start), (uint)lineLength);
            }
            else
            {
                // The span is full: the rest of the line goes through the cursor, into as many spans as it takes.
                cursor.Wrote(span.Length - room);
                cursor.Write(chunk.Slice(start, lineLength));
                cursor.Ensure(sizeof(ulong));
                span = cursor.FreeSpan;
                target = ref MemoryMarshal.GetReference(span);
                room = span.Length;
                lineLength = 0;
            }

            target = ref Unsafe.Add(ref target, lineLength);
            room -= lineLength;

            start = lineBreak + 1;
            if (Unsafe.Add(ref source, lineBreak) == Cr)
            {
                if (start == length)
                {
                    _pendingCr = true;
                }
                else if (Unsafe.Add(ref source, start) == Lf)
                {
                    start++;
                }
            }

            Unsafe.WriteUnaligned(ref target, lineBreakAndPrefix);
            target = ref Unsafe.Add(ref target, lineBreakAndPrefixLength);
            room -= lineBreakAndPrefixLength;
            if (start == length)
            {
                cursor.Wrote(span.Length - room);
                return;
            }

            lineBreak = finder.Next(start);
            if (lineBreak < 0)
            {
                cursor.Wrote(span.Length - room);
                cursor.Write(chunk.Slice(start));
                return;
            }
        }
    }

    private static ulong Pack(ReadOnlySpan<byte> bytes)
    {
        Debug.Assert(bytes.Length <= sizeof(ulong));
        Span<byte> padded = stackalloc byte[sizeof(ulong)];
        padded.Clear();
        bytes.CopyTo(padded);
        return MemoryMarshal.Read<ulong>(padded);
    }
}

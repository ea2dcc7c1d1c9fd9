using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace SseCodec;

public static partial class SseEncoder
{
    /// <summary>How many UTF-8 bytes of UTF-16 text are transcoded at a time before they go to the line splitter.</summary>
    private const int TranscodeChunkSize = 256;

    /// <summary>Writes <paramref name="text"/> as lines, each begun by <paramref name="lines"/>' prefix, and then its ending.</summary>
    private static void WriteLines(ref BufferCursor cursor, LineSplitter lines, in ReadOnlySequence<byte> text)
    {
        if (text.IsSingleSegment)
        {
            lines.WriteAll(ref cursor, text.FirstSpan);
            return;
        }

        lines.Start(ref cursor);
        foreach (ReadOnlyMemory<byte> segment in text)
        {
            lines.Write(ref cursor, segment.Span);
        }

        lines.End(ref cursor);
    }

    /// <summary>
    /// Transcodes <paramref name="text"/> to UTF-8 and writes it as lines, then the ending; an unpaired surrogate
    /// becomes U+FFFD. CR and LF are one byte each in UTF-8, so the lines are those of the text.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WriteLines(ref BufferCursor cursor, LineSplitter lines, scoped ReadOnlySpan<char> text)
    {
        // Most text is one line of ASCII: copied straight into place after the prefix, checked as it is copied. What
        // follows the first line break or non-ASCII char goes through the UTF-8 transcoder and the splitter.
        cursor.Ensure(lines.PrefixLength + sizeof(ulong));
        Span<byte> span = cursor.FreeSpan;
        lines.WritePrefix(ref MemoryMarshal.GetReference(span));

        // Room is kept for the 8-byte write of the ending.
        int narrowed = AsciiNarrower.Narrow(text, span.Slice(lines.PrefixLength, span.Length - lines.PrefixLength - sizeof(ulong)), stopAtNul: false);
        int lineEnd = lines.PrefixLength + narrowed;
        if (narrowed == text.Length)
        {
            lines.WriteEnding(ref Unsafe.Add(ref MemoryMarshal.GetReference(span), lineEnd));
            cursor.Wrote(lineEnd + lines.EndingLength);
            return;
        }

        cursor.Wrote(lineEnd);
        TranscodeLines(ref cursor, ref lines, text.Slice(narrowed));
        lines.End(ref cursor);
    }

    /// <summary>Transcodes <paramref name="text"/> to UTF-8 a chunk at a time and hands the chunks to <paramref name="lines"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void TranscodeLines(ref BufferCursor cursor, ref LineSplitter lines, scoped ReadOnlySpan<char> text)
    {
#if NET
        Unsafe.SkipInit(out TranscodeChunk storage);
        Span<byte> chunk = storage;
#else
        Span<byte> chunk = stackalloc byte[TranscodeChunkSize];
#endif
        while (!text.IsEmpty)
        {
            // Nearly all text is ASCII, which narrowing copies fastest; the first other character goes to the transcoder.
            OperationStatus status = Ascii.FromUtf16(text, chunk, out int written);
            int read = written;
            if (status == OperationStatus.InvalidData)
            {
                // The whole rest of the text is passed as the final block: a high surrogate that ends it is unpaired,
                // and one cut off by the chunk's end is left for the next chunk rather than replaced.
                status = Utf8.FromUtf16(text.Slice(read), chunk.Slice(written), out int transcodedRead, out int transcodedWritten, replaceInvalidSequences: true, isFinalBlock: true);
                Debug.Assert(status is OperationStatus.Done or OperationStatus.DestinationTooSmall);
                read += transcodedRead;
                written += transcodedWritten;
            }

            lines.Write(ref cursor, chunk.Slice(0, written));
            text = text.Slice(read);
        }
    }

#if NET
    [InlineArray(TranscodeChunkSize)]
    private struct TranscodeChunk
    {
        private byte _first;
    }
#endif
}

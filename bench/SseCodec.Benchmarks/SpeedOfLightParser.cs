using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SseCodec.Benchmarks;

/// <summary>
/// The speed of light: a bound, not a parser. One pass over the bytes in 64-byte blocks, each turned into one bit mask
/// of its line ends, CR or LF (Vector512 where the hardware has it, else Vector256 or Vector128), then one step per
/// line end: blank line, dispatch; <c>data</c>, append; <c>event</c>, set the type; anything else, ignored.
/// </summary>
/// <remarks>
/// <para>
/// It gives the same checksum as the readers (data length plus event-type length per dispatched event) on the
/// benchmark inputs, so it shows how fast a parser that looks at every byte once can go on this machine; the gap
/// between it and SseCodec is what is left to win. It is NOT a parser: it keeps no line across calls (the whole
/// stream must be one span), does not strip a BOM, enforces no limit, ignores <c>id</c> and <c>retry</c>, builds no
/// event and copies nothing. It must never be used for anything but this comparison.
/// </para>
/// <para>
/// CR, LF and CRLF all end a line: a CR followed by an LF moves the next line's start past the LF, whose bit (in this
/// block or the next) then ends nothing. The two field names it acts on are compared as bytes at the line's start
/// (<c>data</c> or <c>event</c>, then a colon or the end of the line), so no colon is searched for. An earlier version
/// also built a colon mask, searched for the colon of a line that began in an earlier block (a call per 110-byte
/// event) and padded the last block in a stackalloc'd buffer; it ran about half as fast, so it was no bound. Checked
/// against SseDecoder on the benchmark shapes and on random mixes of data, event, id, retry, comment and blank lines
/// with all three line endings.
/// </para>
/// </remarks>
public static class SpeedOfLightParser
{
    internal const int BlockSize = 64;
    internal const int DefaultTypeLength = 7; // "message"

    private static readonly uint DataName = MemoryMarshal.Read<uint>("data"u8);
    private static readonly uint EvenName = MemoryMarshal.Read<uint>("even"u8);

    /// <summary>The sum over dispatched events of data length plus event-type length, as <see cref="Readers"/> compute it.</summary>
    public static long Checksum(ReadOnlySpan<byte> input)
    {
        ref byte start = ref MemoryMarshal.GetReference(input);
        int fullBlocksEnd = input.Length - (input.Length % BlockSize);
        long total = 0;
        long dataLength = 0;
        bool hasData = false;
        int typeLength = DefaultTypeLength;
        int lineStart = 0;
        for (int block = 0; block < input.Length; block += BlockSize)
        {
            // No stackalloc'd padding for the last partial block: a method with a stackalloc ran this loop at half speed.
            ulong ends = block < fullBlocksEnd
                ? LineEnds(ref Unsafe.Add(ref start, block))
                : LineEndsScalar(input.Slice(block));
            while (ends != 0)
            {
                int lineEnd = block + BitOperations.TrailingZeroCount(ends);
                ends &= ends - 1;
                if (lineEnd < lineStart)
                {
                    continue; // the LF of a CRLF: not a line of its own
                }

                int line = lineStart;
                lineStart = lineEnd + 1;
                if (Unsafe.Add(ref start, lineEnd) == (byte)'\r' && lineStart < input.Length && Unsafe.Add(ref start, lineStart) == (byte)'\n')
                {
                    lineStart++;
                }

                int length = lineEnd - line;
                if (length == 0)
                {
                    if (hasData)
                    {
                        total += dataLength + typeLength;
                    }

                    hasData = false;
                    dataLength = 0;
                    typeLength = DefaultTypeLength;
                    continue;
                }

                LineField field = Field(ref start, line, lineEnd, out int valueStart);
                if (field == LineField.Data)
                {
                    int valueLength = lineEnd - valueStart;
                    dataLength = hasData ? dataLength + 1 + valueLength : valueLength;
                    hasData = true;
                }
                else if (field == LineField.Event)
                {
                    // An empty event type dispatches as "message".
                    typeLength = lineEnd == valueStart ? DefaultTypeLength : lineEnd - valueStart;
                }
            }
        }

        return total;
    }

    /// <summary>The line-end bits of the last, partial block, one byte at a time (once per call).</summary>
    internal static ulong LineEndsScalar(ReadOnlySpan<byte> tail)
    {
        ulong mask = 0;
        for (int i = 0; i < tail.Length; i++)
        {
            if (tail[i] is (byte)'\n' or (byte)'\r')
            {
                mask |= 1UL << i;
            }
        }

        return mask;
    }

    /// <summary>The fields the bounds act on.</summary>
    internal enum LineField
    {
        Other,
        Data,
        Event,
    }

    /// <summary>
    /// Which field a non-empty line (<paramref name="line"/> to <paramref name="lineEnd"/>) is: <c>data</c> or
    /// <c>event</c>, its name then a colon or the end of the line, compared as bytes; and where its value starts.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static LineField Field(ref byte start, int line, int lineEnd, out int valueStart)
    {
        int length = lineEnd - line;
        valueStart = lineEnd;
        if (length < 4)
        {
            return LineField.Other;
        }

        uint name = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref start, line));
        if (name == DataName && (length == 4 || Unsafe.Add(ref start, line + 4) == (byte)':'))
        {
            valueStart = ValueStart(ref start, line + 4, lineEnd);
            return LineField.Data;
        }

        if (name == EvenName && length >= 5 && Unsafe.Add(ref start, line + 4) == (byte)'t'
            && (length == 5 || Unsafe.Add(ref start, line + 5) == (byte)':'))
        {
            valueStart = ValueStart(ref start, line + 5, lineEnd);
            return LineField.Event;
        }

        return LineField.Other;
    }

    /// <summary>Where the value of a field whose name ends at <paramref name="nameEnd"/> starts: after the colon and one leading space.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ValueStart(ref byte start, int nameEnd, int lineEnd)
    {
        int valueStart = Math.Min(nameEnd + 1, lineEnd);
        return valueStart < lineEnd && Unsafe.Add(ref start, valueStart) == (byte)' ' ? valueStart + 1 : valueStart;
    }

    /// <summary>The line-end bits of the 64 bytes at <paramref name="block"/>, the first byte in the lowest bit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong LineEnds(ref byte block)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<byte> v = Vector512.LoadUnsafe(ref block);
            return (Vector512.Equals(v, Vector512.Create((byte)'\n')) | Vector512.Equals(v, Vector512.Create((byte)'\r'))).ExtractMostSignificantBits();
        }

        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<byte> low = Vector256.LoadUnsafe(ref block);
            Vector256<byte> high = Vector256.LoadUnsafe(ref block, 32);
            return Ends256(low) | ((ulong)Ends256(high) << 32);
        }

        ulong mask = 0;
        for (int i = 0; i < 4; i++)
        {
            Vector128<byte> part = Vector128.LoadUnsafe(ref block, (nuint)(16 * i));
            ulong bits = (Vector128.Equals(part, Vector128.Create((byte)'\n')) | Vector128.Equals(part, Vector128.Create((byte)'\r'))).ExtractMostSignificantBits();
            mask |= bits << (16 * i);
        }

        return mask;
    }

    private static uint Ends256(Vector256<byte> v) =>
        (Vector256.Equals(v, Vector256.Create((byte)'\n')) | Vector256.Equals(v, Vector256.Create((byte)'\r'))).ExtractMostSignificantBits();
}

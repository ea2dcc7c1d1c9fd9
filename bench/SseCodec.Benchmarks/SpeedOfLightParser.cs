using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SseCodec.Benchmarks;

/// <summary>
/// The speed of light: a bound, not a parser. One pass over the bytes in 64-byte blocks, each turned into bit masks of
/// its LF, CR and colon positions (Vector512 where the hardware has it, else Vector256 or Vector128), then one step per
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
/// CR, LF and CRLF all end a line (an LF right after a CR is dropped from the mask, also across blocks, and the next
/// line starts after it). A line's colon comes from the mask when the line starts in the current block; a line that
/// started in an earlier block has its colon searched with IndexOf, which stops at the colon, a few bytes in for every
/// field these inputs contain. Checked against SseDecoder on the benchmark shapes and on random mixes of data, event,
/// id, retry, comment and blank lines with all three line endings.
/// </para>
/// </remarks>
public static class SpeedOfLightParser
{
    private const int BlockSize = 64;
    private const int DefaultTypeLength = 7; // "message"

    private static readonly uint DataName = MemoryMarshal.Read<uint>("data"u8);
    private static readonly uint EvenName = MemoryMarshal.Read<uint>("even"u8);

    /// <summary>The sum over dispatched events of data length plus event-type length, as <see cref="Readers"/> compute it.</summary>
    public static long Checksum(ReadOnlySpan<byte> input)
    {
        ref byte start = ref MemoryMarshal.GetReference(input);
        Span<byte> padded = stackalloc byte[BlockSize];
        long total = 0;
        long dataLength = 0;
        bool hasData = false;
        int typeLength = DefaultTypeLength;
        int lineStart = 0;
        ulong crCarry = 0;
        for (int block = 0; block < input.Length; block += BlockSize)
        {
            ulong lf, cr, colons;
            if (block <= input.Length - BlockSize)
            {
                Masks(ref Unsafe.Add(ref start, block), out lf, out cr, out colons);
            }
            else
            {
                // The last partial block through a zero-padded copy: padding has no line end and no colon.
                padded.Clear();
                input.Slice(block).CopyTo(padded);
                Masks(ref MemoryMarshal.GetReference(padded), out lf, out cr, out colons);
            }

            // An LF right after a CR ends nothing: CRLF is one line end.
            ulong ends = (lf & ~((cr << 1) | crCarry)) | cr;
            crCarry = cr >> 63;
            while (ends != 0)
            {
                int bit = BitOperations.TrailingZeroCount(ends);
                ends &= ends - 1;
                int lineEnd = block + bit;
                int line = lineStart;
                lineStart = lineEnd + 1;
                if (((cr >> bit) & 1) != 0 && lineStart < input.Length && Unsafe.Add(ref start, lineStart) == (byte)'\n')
                {
                    lineStart++; // the LF of a CRLF: not a line of its own
                }
                if (lineEnd == line)
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

                int colon;
                if (line >= block)
                {
                    colon = Math.Min(line + BitOperations.TrailingZeroCount(colons >> (line - block)), lineEnd);
                }
                else
                {
                    int found = input.Slice(line, lineEnd - line).IndexOf((byte)':');
                    colon = found < 0 ? lineEnd : line + found;
                }

                int valueStart = Math.Min(colon + 1, lineEnd);
                if (valueStart < lineEnd && Unsafe.Add(ref start, valueStart) == (byte)' ')
                {
                    valueStart++;
                }

                int nameLength = colon - line;
                if (nameLength == 4 && Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref start, line)) == DataName)
                {
                    dataLength = hasData ? dataLength + 1 + (lineEnd - valueStart) : lineEnd - valueStart;
                    hasData = true;
                }
                else if (nameLength == 5 && Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref start, line)) == EvenName && Unsafe.Add(ref start, line + 4) == (byte)'t')
                {
                    // An empty event type dispatches as "message".
                    typeLength = lineEnd == valueStart ? DefaultTypeLength : lineEnd - valueStart;
                }
            }
        }

        return total;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Masks(ref byte block, out ulong lf, out ulong cr, out ulong colons)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<byte> v = Vector512.LoadUnsafe(ref block);
            lf = Vector512.Equals(v, Vector512.Create((byte)'\n')).ExtractMostSignificantBits();
            cr = Vector512.Equals(v, Vector512.Create((byte)'\r')).ExtractMostSignificantBits();
            colons = Vector512.Equals(v, Vector512.Create((byte)':')).ExtractMostSignificantBits();
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Vector256<byte> low = Vector256.LoadUnsafe(ref block);
            Vector256<byte> high = Vector256.LoadUnsafe(ref block, 32);
            lf = Mask256(low, high, (byte)'\n');
            cr = Mask256(low, high, (byte)'\r');
            colons = Mask256(low, high, (byte)':');
        }
        else
        {
            lf = Mask128(ref block, (byte)'\n');
            cr = Mask128(ref block, (byte)'\r');
            colons = Mask128(ref block, (byte)':');
        }
    }

    private static ulong Mask256(Vector256<byte> low, Vector256<byte> high, byte value) =>
        Vector256.Equals(low, Vector256.Create(value)).ExtractMostSignificantBits()
        | ((ulong)Vector256.Equals(high, Vector256.Create(value)).ExtractMostSignificantBits() << 32);

    private static ulong Mask128(ref byte block, byte value)
    {
        ulong mask = 0;
        for (int i = 0; i < 4; i++)
        {
            ulong part = Vector128.Equals(Vector128.LoadUnsafe(ref block, (nuint)(16 * i)), Vector128.Create(value)).ExtractMostSignificantBits();
            mask |= part << (16 * i);
        }

        return mask;
    }
}

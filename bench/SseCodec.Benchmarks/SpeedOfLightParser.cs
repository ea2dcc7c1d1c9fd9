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
/// benchmark inputs, so it shows how fast any parser that looks at every byte once can go on this machine; the gap
/// between it and SseCodec is what is left to win. It is NOT a parser: it keeps no line across calls, does not
/// strip a BOM, takes any field name that starts like <c>data</c> or <c>event</c> only by length and leading bytes,
/// ignores <c>id</c> and <c>retry</c>, builds no event and copies nothing. It must never be used for anything but
/// this comparison.
/// </para>
/// <para>
/// CR, LF and CRLF all end a line (an LF right after a CR is dropped from the mask, also across blocks). A line's colon
/// comes from the mask when the line starts in the current block; a line that started in an earlier block has its
/// colon searched with IndexOf, which stops at the colon, a few bytes in for every field these inputs contain.
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
        var state = new State { TypeLength = DefaultTypeLength };
        ref byte start = ref MemoryMarshal.GetReference(input);
        ulong crCarry = 0;
        int block = 0;
        for (; block <= input.Length - BlockSize; block += BlockSize)
        {
            Masks(ref Unsafe.Add(ref start, block), out ulong lf, out ulong cr, out ulong colons);
            ScanBlock(input, block, lf, cr, colons, ref crCarry, ref state);
        }

        if (block < input.Length)
        {
            // The last partial block through a zero-padded copy: padding has no line end and no colon.
            Span<byte> padded = stackalloc byte[BlockSize];
            padded.Clear();
            input.Slice(block).CopyTo(padded);
            Masks(ref MemoryMarshal.GetReference(padded), out ulong lf, out ulong cr, out ulong colons);
            ScanBlock(input, block, lf, cr, colons, ref crCarry, ref state);
        }

        return state.Total;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ScanBlock(ReadOnlySpan<byte> input, int block, ulong lf, ulong cr, ulong colons, ref ulong crCarry, ref State state)
    {
        // An LF right after a CR ends nothing: CRLF is one line end.
        ulong ends = (lf & ~((cr << 1) | crCarry)) | cr;
        crCarry = cr >> 63;
        while (ends != 0)
        {
            int lineEnd = block + BitOperations.TrailingZeroCount(ends);
            ends &= ends - 1;
            int lineStart = state.LineStart;
            state.LineStart = lineEnd + 1;
            if (lineEnd == lineStart)
            {
                if (state.HasData)
                {
                    state.Total += state.DataLength + state.TypeLength;
                }

                state.HasData = false;
                state.DataLength = 0;
                state.TypeLength = DefaultTypeLength;
                continue;
            }

            int colon;
            if (lineStart >= block)
            {
                colon = lineStart + BitOperations.TrailingZeroCount(colons >> (lineStart - block));
                colon = Math.Min(colon, lineEnd);
            }
            else
            {
                int found = input.Slice(lineStart, lineEnd - lineStart).IndexOf((byte)':');
                colon = found < 0 ? lineEnd : lineStart + found;
            }

            int valueStart = Math.Min(colon + 1, lineEnd);
            if (valueStart < lineEnd && input[valueStart] == (byte)' ')
            {
                valueStart++;
            }

            int nameLength = colon - lineStart;
            int valueLength = lineEnd - valueStart;
            uint name = nameLength >= 4 ? MemoryMarshal.Read<uint>(input.Slice(lineStart)) : 0;
            if (nameLength == 4 && name == DataName)
            {
                state.DataLength = state.HasData ? state.DataLength + 1 + valueLength : valueLength;
                state.HasData = true;
            }
            else if (nameLength == 5 && name == EvenName && input[lineStart + 4] == (byte)'t')
            {
                state.TypeLength = valueLength;
            }
        }
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

    private struct State
    {
        public int LineStart;
        public bool HasData;
        public long DataLength;
        public int TypeLength;
        public long Total;
    }
}

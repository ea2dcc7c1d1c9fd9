namespace SseCodec;

/// <summary>
/// Finds the CR and LF bytes of text with many short lines, for the encoder's <see cref="LineSplitter"/>. It compares
/// 64 bytes at once and keeps the positions of every CR and LF in them as bits, so each short line costs a bit scan
/// rather than a search. The last block of the text overlaps the one before it instead of being cut short. A block with
/// no CR or LF is likely the middle of a long line: the rest is left to <c>IndexOfAny</c>, which is faster over long runs.
/// </summary>
internal ref struct LineBreakFinder
{
    private const int BlockSize = 64;

    private readonly ReadOnlySpan<byte> _text;
    private int _blockStart;
    private ulong _blockBits;

    public LineBreakFinder(ReadOnlySpan<byte> text)
    {
        _text = text;
        _blockStart = int.MinValue;
    }

    /// <summary>The index of the first CR or LF at or after <paramref name="from"/>, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Next(int from)
    {
        // Within the block last compared: the answer is in its bits.
        uint offset = (uint)(from - _blockStart);
        if (offset < BlockSize)
        {
            ulong bits = _blockBits >> (int)offset;
            if (bits != 0)
            {
                return from + BitOperations.TrailingZeroCount(bits);
            }

            from = _blockStart + BlockSize;
        }

        return NextFromNewBlock(from);
    }

    private int NextFromNewBlock(int from)
    {
        int length = _text.Length;
        if (from >= length)
        {
            return -1;
        }

        if (length >= BlockSize)
        {
            // Near the end, the last 64 bytes: the bits before `from` are shifted out.
            int blockStart = Math.Min(from, length - BlockSize);
            _blockStart = blockStart;
            _blockBits = LineBreakBits(ref Unsafe.Add(ref MemoryMarshal.GetReference(_text), blockStart));
            ulong bits = _blockBits >> (from - blockStart);
            if (bits != 0)
            {
                return from + BitOperations.TrailingZeroCount(bits);
            }

            from = blockStart + BlockSize;
            if (from >= length)
            {
                return -1;
            }
        }

        int index = _text.Slice(from).IndexOfAny((byte)'\r', (byte)'\n');
        return index < 0 ? -1 : from + index;
    }

    /// <summary>A bit for every CR or LF among the 64 bytes at <paramref name="source"/>, the first byte in the lowest bit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong LineBreakBits(ref byte source)
    {
#if NET
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<byte> block = Vector512.LoadUnsafe(ref source);
            return (Vector512.Equals(block, Vector512.Create((byte)'\r')) | Vector512.Equals(block, Vector512.Create((byte)'\n'))).ExtractMostSignificantBits();
        }

        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<byte> low = Vector256.LoadUnsafe(ref source);
            Vector256<byte> high = Vector256.LoadUnsafe(ref source, (nuint)Vector256<byte>.Count);
            ulong lowBits = (Vector256.Equals(low, Vector256.Create((byte)'\r')) | Vector256.Equals(low, Vector256.Create((byte)'\n'))).ExtractMostSignificantBits();
            ulong highBits = (Vector256.Equals(high, Vector256.Create((byte)'\r')) | Vector256.Equals(high, Vector256.Create((byte)'\n'))).ExtractMostSignificantBits();
            return lowBits | (highBits << 32);
        }

        ulong result = 0;
        for (int i = 0; i < BlockSize; i += Vector128<byte>.Count)
        {
            // Vector128 is accelerated on every platform .NET runs on with SIMD, and correct (if slower) without.
            Vector128<byte> part = Vector128.LoadUnsafe(ref source, (nuint)i);
            ulong partBits = (Vector128.Equals(part, Vector128.Create((byte)'\r')) | Vector128.Equals(part, Vector128.Create((byte)'\n'))).ExtractMostSignificantBits();
            result |= partBits << i;
        }

        return result;
#else
        // netstandard2.0 has no Vector128: one byte at a time.
        ulong result = 0;
        for (int i = 0; i < BlockSize; i++)
        {
            byte b = Unsafe.Add(ref source, i);
            if (b is (byte)'\r' or (byte)'\n')
            {
                result |= 1UL << i;
            }
        }

        return result;
#endif
    }
}

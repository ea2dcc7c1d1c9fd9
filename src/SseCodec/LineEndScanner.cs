namespace SseCodec;

/// <summary>
/// Finds CR and LF bytes in a chunk. A search that starts a block compares 64 bytes at once and keeps the positions
/// of every CR and LF in them as bits, so the short lines that follow cost a bit scan each rather than a search each.
/// After a few blocks with no line end the rest is likely a long line: it is left to <c>IndexOfAny</c>, which is
/// faster over long runs.
/// </summary>
internal ref struct LineEndScanner
{
    private const int BlockSize = 64;

    // How many blocks without a line end are compared before the rest of a line is left to IndexOfAny.
    private const int BlocksBeforeSearch = 4;

    private readonly ReadOnlySpan<byte> _chunk;
    private readonly int _searchFloor;
    private int _blockStart;
    private ulong _blockMask;

    /// <param name="chunk">The bytes to search.</param>
    /// <param name="searchFloor">
    /// The bytes before this index are known to hold no CR or LF (a line the caller held back and searched before), so
    /// no search looks at them again: a long line that arrives a piece at a time is searched once, not once per piece.
    /// </param>
    public LineEndScanner(ReadOnlySpan<byte> chunk, int searchFloor = 0)
    {
        _chunk = chunk;
        _searchFloor = searchFloor;
        _blockStart = int.MinValue;
    }

    /// <summary>The index of the first CR or LF at or after <paramref name="from"/>, or -1 if the chunk has none.</summary>
    /// <remarks>
    /// No end is given: a caller that limits a line's length checks the length of the line found, which costs nothing
    /// per line here. The search itself never goes past the chunk.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Next(int from)
    {
        // Within the block last compared: the answer is in its bits.
        uint offset = (uint)(from - _blockStart);
        if (offset < BlockSize)
        {
            ulong bits = _blockMask >> (int)offset;
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
        from = Math.Max(from, _searchFloor);

        // Lines of up to a few blocks, the usual kind, are found block by block; the bits of the block that holds the
        // line end then answer for the lines after it too.
        int blocksLeft = BlocksBeforeSearch;
        int lastBlockStart = _chunk.Length - BlockSize;
        while (from <= lastBlockStart)
        {
            ulong mask = Mask(ref Unsafe.Add(ref MemoryMarshal.GetReference(_chunk), from));
            _blockStart = from;
            _blockMask = mask;
            if (mask != 0)
            {
                return from + BitOperations.TrailingZeroCount(mask);
            }

            from += BlockSize;
            if (--blocksLeft == 0)
            {
                break;
            }
        }

        if (from >= _chunk.Length)
        {
            return -1;
        }

        // A long line, or the last bytes of the chunk: a plain search, which is faster over long runs.
        int index = _chunk.Slice(from).IndexOfAny((byte)'\r', (byte)'\n');
        return index < 0 ? -1 : from + index;
    }

    /// <summary>A bit for every CR or LF among the 64 bytes at <paramref name="source"/>, the first byte in the lowest bit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Mask(ref byte source)
    {
#if NET
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<byte> block = Vector512.LoadUnsafe(ref source);
            return (Vector512.Equals(block, Vector512.Create((byte)'\n')) | Vector512.Equals(block, Vector512.Create((byte)'\r')))
                .ExtractMostSignificantBits();
        }

        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<byte> low = Vector256.LoadUnsafe(ref source);
            Vector256<byte> high = Vector256.LoadUnsafe(ref source, 32);
            uint lowBits = (Vector256.Equals(low, Vector256.Create((byte)'\n')) | Vector256.Equals(low, Vector256.Create((byte)'\r'))).ExtractMostSignificantBits();
            uint highBits = (Vector256.Equals(high, Vector256.Create((byte)'\n')) | Vector256.Equals(high, Vector256.Create((byte)'\r'))).ExtractMostSignificantBits();
            return lowBits | ((ulong)highBits << 32);
        }

        if (Vector128.IsHardwareAccelerated)
        {
            ulong bits = 0;
            for (int i = 0; i < BlockSize; i += 16)
            {
                Vector128<byte> part = Vector128.LoadUnsafe(ref source, (nuint)i);
                ulong partBits = (Vector128.Equals(part, Vector128.Create((byte)'\n')) | Vector128.Equals(part, Vector128.Create((byte)'\r'))).ExtractMostSignificantBits();
                bits |= partBits << i;
            }

            return bits;
        }
#endif

        // No SIMD (or netstandard2.0, which has no Vector128): one byte at a time.
        ulong scalar = 0;
        for (int i = 0; i < BlockSize; i++)
        {
            byte b = Unsafe.Add(ref source, i);
            if (b is (byte)'\n' or (byte)'\r')
            {
                scalar |= 1UL << i;
            }
        }

        return scalar;
    }
}

namespace SseCodec;

/// <summary>
/// The encoder's fast transcoder for the text nearly all events carry: ASCII, which is UTF-8 byte for byte. It copies
/// chars as bytes straight into the writer's memory and stops at the first char that needs more than that: a CR or LF
/// (a line break for the line splitter), a non-ASCII char (for the UTF-8 transcoder) and, for an event ID, U+0000.
/// One pass both checks and copies, 16 chars at a time.
/// </summary>
internal static class AsciiNarrower
{
    private const int BlockSize = 16;

    /// <summary>
    /// Copies the chars of <paramref name="text"/> as bytes into <paramref name="destination"/> up to the first CR, LF,
    /// char above U+007F or, when <paramref name="stopAtNul"/>, U+0000, or up to the end of either span.
    /// </summary>
    /// <returns>How many chars were copied: <paramref name="text"/>'s length when it is all plain ASCII and fits.</returns>
    /// <remarks>Bytes of <paramref name="destination"/> past the returned count may have been written too.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Narrow(ReadOnlySpan<char> text, Span<byte> destination, bool stopAtNul)
    {
        int length = Math.Min(text.Length, destination.Length);
        ref ushort source = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(text));
        ref byte target = ref MemoryMarshal.GetReference(destination);
#if NET
        return length < BlockSize
            ? NarrowShort(ref source, ref target, length, stopAtNul)
            : NarrowBlocks(ref source, ref target, length, stopAtNul);
#else
        // netstandard2.0 has no Vector128: one char at a time.
        return NarrowScalar(ref source, ref target, 0, length, stopAtNul);
#endif
    }

#if NET

    private static int NarrowBlocks(ref ushort source, ref byte target, int length, bool stopAtNul)
    {
        int index = 0;
        while (true)
        {
            // The last block ends at the end, overlapping the one before: its first chars are copied again, unchanged.
            if (index > length - BlockSize)
            {
                index = length - BlockSize;
            }

            Vector128<ushort> low = Vector128.LoadUnsafe(ref source, (nuint)index);
            Vector128<ushort> high = Vector128.LoadUnsafe(ref source, (nuint)(index + (BlockSize / 2)));
            Vector128<byte> bytes = Vector128.Narrow(low, high);
            bytes.StoreUnsafe(ref target, (nuint)index);

            if (!IsPlain(low | high, bytes, stopAtNul))
            {
                // A bit for every char that stops the copy: the first one's index is the answer. (A non-ASCII char
                // whose low byte is CR, LF or zero is flagged twice, at its own index.)
                Vector128<byte> stops = Stops(bytes, stopAtNul) | Vector128.Narrow(
                    Vector128.GreaterThan(low, Vector128.Create((ushort)0x7F)),
                    Vector128.GreaterThan(high, Vector128.Create((ushort)0x7F)));
                return index + BitOperations.TrailingZeroCount(stops.ExtractMostSignificantBits());
            }

            index += BlockSize;
            if (index == length)
            {
                return length;
            }
        }
    }

    /// <summary>
    /// <see cref="Narrow"/> for fewer than 16 chars, the length of nearly every event type and id: two loads that
    /// overlap cover any length from 4 up, so there is no loop.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int NarrowShort(ref ushort source, ref byte target, int length, bool stopAtNul)
    {
        Debug.Assert(length < BlockSize);
        int secondHalf;
        if (length >= BlockSize / 2)
        {
            // The first 8 chars and the last 8.
            secondHalf = length - (BlockSize / 2);
            Vector128<ushort> first = Vector128.LoadUnsafe(ref source);
            Vector128<ushort> last = Vector128.LoadUnsafe(ref source, (nuint)secondHalf);
            Vector128<byte> bytes = Vector128.Narrow(first, last);
            if (IsPlain(first | last, bytes, stopAtNul))
            {
                Unsafe.WriteUnaligned(ref target, bytes.AsUInt64().GetElement(0));
                Unsafe.WriteUnaligned(ref Unsafe.Add(ref target, secondHalf), bytes.AsUInt64().GetElement(1));
                return length;
            }
        }
        else if (length >= BlockSize / 4)
        {
            // The first 4 chars and the last 4, side by side in one vector.
            secondHalf = length - (BlockSize / 4);
            Vector128<ushort> chars = Vector128.Create(
                Unsafe.ReadUnaligned<ulong>(ref Unsafe.As<ushort, byte>(ref source)),
                Unsafe.ReadUnaligned<ulong>(ref Unsafe.As<ushort, byte>(ref Unsafe.Add(ref source, secondHalf)))).AsUInt16();
            Vector128<byte> bytes = Vector128.Narrow(chars, chars);
            if (IsPlain(chars, bytes, stopAtNul))
            {
                Unsafe.WriteUnaligned(ref target, bytes.AsUInt32().GetElement(0));
                Unsafe.WriteUnaligned(ref Unsafe.Add(ref target, secondHalf), bytes.AsUInt32().GetElement(1));
                return length;
            }
        }

        // Fewer than 4 chars, or a stop among them: one at a time.
        return NarrowScalar(ref source, ref target, 0, length, stopAtNul);
    }

    /// <summary>Whether <paramref name="chars"/> are all ASCII and their <paramref name="bytes"/> hold no CR, LF or (when asked) U+0000.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsPlain(Vector128<ushort> chars, Vector128<byte> bytes, bool stopAtNul) =>
        ((chars & Vector128.Create((ushort)0xFF80)) | Stops(bytes, stopAtNul).AsUInt16()) == Vector128<ushort>.Zero;

    /// <summary>The bytes that are CR, LF or (when asked) zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> Stops(Vector128<byte> bytes, bool stopAtNul)
    {
        Vector128<byte> stops = Vector128.Equals(bytes, Vector128.Create((byte)'\r')) | Vector128.Equals(bytes, Vector128.Create((byte)'\n'));
        return stopAtNul ? stops | Vector128.Equals(bytes, Vector128<byte>.Zero) : stops;
    }

#endif

    private static int NarrowScalar(ref ushort source, ref byte target, int index, int end, bool stopAtNul)
    {
        Debug.Assert(index <= end);
        for (; index < end; index++)
        {
            ushort c = Unsafe.Add(ref source, index);

            // CR, LF and U+0000 are all at or below CR; most chars are above it and cost one compare more.
            if (c > 0x7F || (c <= '\r' && (c == '\r' || c == '\n' || (stopAtNul && c == 0))))
            {
                return index;
            }

            Unsafe.Add(ref target, index) = (byte)c;
        }

        return end;
    }
}

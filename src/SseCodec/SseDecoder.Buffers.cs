namespace SseCodec;

// Pooled buffers: growth checked against a limit before it happens, and their return.
public sealed partial class SseDecoder
{
    private void CopyInto(ref byte[] buffer, ref int length, ReadOnlySpan<byte> value)
    {
        EnsureCapacity(ref buffer, value.Length, 0, _maxLineLength);
        value.CopyTo(buffer);
        length = value.Length;
    }

    /// <summary>Makes <paramref name="buffer"/> hold at least <paramref name="required"/> bytes, keeping its first <paramref name="keep"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void EnsureCapacity(ref byte[] buffer, int required, int keep, int limit)
    {
        if (required > buffer.Length)
        {
            Grow(ref buffer, required, keep, limit);
        }
    }

    private void Grow(ref byte[] buffer, int required, int keep, int limit)
    {
        byte[] grown = RentAtLeast(required, buffer.Length, limit);
        buffer.AsSpan(0, keep).CopyTo(grown);
        ReturnBuffer(ref buffer);
        buffer = grown;
    }

    /// <summary>Rents a buffer of at least <paramref name="required"/> bytes, doubling the old size but not past the limit.</summary>
    private byte[] RentAtLeast(int required, int currentLength, int limit)
    {
        int size = Math.Max(required, Math.Min(Math.Max(currentLength * 2, 64), limit));
        return _pool.Rent(size);
    }

    private void ReturnBuffer(ref byte[] buffer)
    {
        if (buffer.Length != 0)
        {
            _pool.Return(buffer);
            buffer = [];
        }
    }
}

using System.Buffers;

namespace SseCodec.Server;

/// <summary>An <see cref="IBufferWriter{T}"/> over arrays rented from the shared pool, reused by the hub to encode.</summary>
internal sealed class PooledBufferWriter : IBufferWriter<byte>
{
    /// <summary>A scratch array larger than this, grown for a large event, is given back when a small event follows.</summary>
    private const int KeepAtMost = 64 * 1024;

    private byte[] _array = ArrayPool<byte>.Shared.Rent(256);
    private int _written;

    public int WrittenCount => _written;

    public ReadOnlySpan<byte> WrittenSpan => _array.AsSpan(0, _written);

    public ReadOnlyMemory<byte> WrittenMemory => _array.AsMemory(0, _written);

    public void Advance(int count) => _written += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _array.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _array.AsSpan(_written);
    }

    /// <summary>
    /// Hands over an array holding what was written (the caller returns it to the pool) and starts over. What fills
    /// less than half of the scratch array is copied into a pooled array of its own size, so that a queued event holds
    /// about its size: a 60-byte event kept the 256-byte scratch (or a larger one, after a large event), which made
    /// every queued small event cost four times its size or more. What fills at least half is handed over without a copy.
    /// </summary>
    public byte[] TakeWritten(out int length)
    {
        length = _written;
        if (length >= _array.Length / 2)
        {
            return Detach(out length);
        }

        byte[] copy = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        _array.AsSpan(0, length).CopyTo(copy);
        _written = 0;
        if (_array.Length > KeepAtMost)
        {
            ArrayPool<byte>.Shared.Return(_array);
            _array = ArrayPool<byte>.Shared.Rent(256);
        }

        return copy;
    }

    /// <summary>Hands over the written array (the caller returns it to the pool) and starts a fresh one.</summary>
    public byte[] Detach(out int length)
    {
        byte[] array = _array;
        length = _written;
        _array = ArrayPool<byte>.Shared.Rent(Math.Max(256, length));
        _written = 0;
        return array;
    }

    public void Reset() => _written = 0;

    /// <summary>Gives the array back to the pool; the writer is not used again.</summary>
    public void ReturnToPool()
    {
        ArrayPool<byte>.Shared.Return(_array);
        _array = [];
        _written = 0;
    }

    private void Ensure(int sizeHint)
    {
        sizeHint = Math.Max(sizeHint, 1);
        if (_array.Length - _written >= sizeHint)
        {
            return;
        }

        byte[] bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_array.Length * 2, _written + sizeHint));
        _array.AsSpan(0, _written).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_array);
        _array = bigger;
    }
}

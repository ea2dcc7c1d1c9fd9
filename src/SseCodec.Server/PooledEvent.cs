using System.Buffers;

namespace SseCodec.Server;

/// <summary>
/// One encoded event in a pooled array, shared by every connection queue it was published to and returned to the pool
/// when the last of them has written (or dropped) it.
/// </summary>
internal sealed class PooledEvent
{
    private readonly SseHub _owner;
    private byte[]? _array;
    private int _refs = 1;

    public PooledEvent(SseHub owner, byte[] array, int length, long sequence)
    {
        _owner = owner;
        _array = array;
        Length = length;
        Sequence = sequence;
    }

    public int Length { get; }

    public long Sequence { get; }

    public ReadOnlySpan<byte> Span => _array.AsSpan(0, Length);

    public void AddRef() => Interlocked.Increment(ref _refs);

    public void Release()
    {
        if (Interlocked.Decrement(ref _refs) == 0)
        {
            byte[]? array = Interlocked.Exchange(ref _array, null);
            if (array is not null)
            {
                ArrayPool<byte>.Shared.Return(array);
                _owner.OnBufferReturned();
            }
        }
    }
}

/// <summary>An <see cref="IBufferWriter{T}"/> over arrays rented from the shared pool, reused by the hub to encode.</summary>
internal sealed class PooledBufferWriter : IBufferWriter<byte>
{
    private byte[] _array = ArrayPool<byte>.Shared.Rent(256);
    private int _written;

    public int WrittenCount => _written;

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

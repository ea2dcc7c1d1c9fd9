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

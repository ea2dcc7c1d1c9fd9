using System.Buffers;

namespace SseCodec;

/// <summary>
/// The buffer a JSON serializer writes an event's data into: first the destination's own memory, after the event's
/// header, so that the JSON needs no second copy; the destination is advanced only once the event is whole, so a
/// serializer that throws leaves nothing written. JSON that outgrows that memory moves on into a buffer of its own,
/// and the event is then written from there.
/// </summary>
internal sealed class JsonDataWriter : IBufferWriter<byte>
{
    // A buffer grown past this is dropped after use rather than kept for the thread's lifetime.
    private const int MaxRetainedSize = 1024 * 1024;

    private Memory<byte> _memory;
    private int _written;
    private ArrayBufferWriter<byte>? _overflow;

    /// <summary>Whether the JSON outgrew the destination's memory and went on into a buffer of its own.</summary>
    public bool Overflowed { get; private set; }

    /// <summary>How many bytes of JSON were written.</summary>
    public int WrittenCount => Overflowed ? _overflow!.WrittenCount : _written;

    /// <summary>The JSON written so far.</summary>
    public ReadOnlySpan<byte> Written => Overflowed ? _overflow!.WrittenSpan : _memory.Span.Slice(0, _written);

    /// <summary>Starts a value: it goes into <paramref name="memory"/> for as long as it fits.</summary>
    public void Start(Memory<byte> memory)
    {
        _memory = memory;
        _written = 0;
        Overflowed = false;
    }

    /// <summary>Moves what was written into a buffer of its own, so that the destination's memory can be written over.</summary>
    public void MoveToOwnBuffer()
    {
        if (!Overflowed)
        {
            ArrayBufferWriter<byte> overflow = _overflow ??= new ArrayBufferWriter<byte>(256);
            overflow.ResetWrittenCount();
            overflow.Write(_memory.Span.Slice(0, _written));
            Overflowed = true;
        }
    }

    /// <summary>Lets go of the destination's memory, and of an own buffer grown too large to keep.</summary>
    public void Clear()
    {
        _memory = default;
        _written = 0;
        Overflowed = false;
        if (_overflow is not null && _overflow.Capacity > MaxRetainedSize)
        {
            _overflow = null;
        }
    }

    public void Advance(int count)
    {
        if (Overflowed)
        {
            _overflow!.Advance(count);
            return;
        }

        Debug.Assert((uint)count <= (uint)(_memory.Length - _written));
        _written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        if (!Overflowed)
        {
            if (_memory.Length - _written >= Math.Max(sizeHint, 1))
            {
                return _memory.Slice(_written);
            }

            MoveToOwnBuffer();
        }

        return _overflow!.GetMemory(sizeHint);
    }

    public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;
}

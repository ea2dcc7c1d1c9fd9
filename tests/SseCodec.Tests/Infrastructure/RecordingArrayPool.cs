using System.Buffers;
using SseCodec.Reference;

namespace SseCodec.Tests.Infrastructure;

/// <summary>
/// An exact-size array pool (a <see cref="CountingArrayPool"/> underneath, which also catches an array returned twice)
/// that remembers the largest array asked for and which arrays are out, and poisons each array as it comes back, so
/// a view that still reads it shows <see cref="Poison"/> instead of the bytes it had.
/// </summary>
internal sealed class RecordingArrayPool : ArrayPool<byte>
{
    public const byte Poison = 0xCC;

    private readonly CountingArrayPool _counting = new();
    private readonly HashSet<byte[]> _out = new(ReferenceEqualityComparer.Instance);

    /// <summary>How many rented arrays have not come back.</summary>
    public int Outstanding => _counting.Outstanding;

    /// <summary>The largest length ever asked for.</summary>
    public int LargestRent { get; private set; }

    public int Rents => _counting.Rents;

    /// <summary>Whether <paramref name="array"/> was rented from this pool and has not come back yet.</summary>
    public bool IsOut(byte[]? array)
    {
        lock (_out)
        {
            return array is not null && _out.Contains(array);
        }
    }

    public override byte[] Rent(int minimumLength)
    {
        byte[] array = _counting.Rent(minimumLength);
        lock (_out)
        {
            _out.Add(array);
            LargestRent = Math.Max(LargestRent, minimumLength);
        }

        return array;
    }

    public override void Return(byte[] array, bool clearArray = false)
    {
        _counting.Return(array, clearArray);
        lock (_out)
        {
            _out.Remove(array);
        }

        array.AsSpan().Fill(Poison);
    }
}

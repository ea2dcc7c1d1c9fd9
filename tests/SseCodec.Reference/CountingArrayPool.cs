using System.Buffers;

namespace SseCodec.Reference;

/// <summary>
/// An array pool that counts what is rented and not yet returned, so tests and the fuzzer can prove nothing leaks
/// and that the memory held stays within the configured limits.
/// </summary>
public sealed class CountingArrayPool : ArrayPool<byte>
{
    private readonly HashSet<byte[]> _outstanding = new(ReferenceEqualityComparer.Instance);

    public int Outstanding
    {
        get
        {
            lock (_outstanding)
            {
                return _outstanding.Count;
            }
        }
    }

    public long OutstandingBytes
    {
        get
        {
            lock (_outstanding)
            {
                return _outstanding.Sum(a => (long)a.Length);
            }
        }
    }

    /// <summary>The largest number of bytes held at once.</summary>
    public long PeakBytes { get; private set; }

    public int Rents { get; private set; }

    public override byte[] Rent(int minimumLength)
    {
        byte[] array = new byte[minimumLength];
        lock (_outstanding)
        {
            _outstanding.Add(array);
            Rents++;
            PeakBytes = Math.Max(PeakBytes, _outstanding.Sum(a => (long)a.Length));
        }

        return array;
    }

    public override void Return(byte[] array, bool clearArray = false)
    {
        lock (_outstanding)
        {
            if (!_outstanding.Remove(array))
            {
                throw new InvalidOperationException("Returned an array that was not rented, or returned it twice.");
            }
        }
    }
}

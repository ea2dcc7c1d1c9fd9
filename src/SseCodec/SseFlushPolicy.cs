namespace SseCodec;

/// <summary>When an <see cref="SseWriter"/> flushes what it wrote to its pipe or stream.</summary>
public sealed class SseFlushPolicy
{
    private SseFlushPolicy(TimeSpan maxDelay, int maxBufferedBytes)
    {
        MaxDelay = maxDelay;
        MaxBufferedBytes = maxBufferedBytes;
    }

    /// <summary>Flush after every item: the lowest latency, one flush (and usually one write to the network) per item.</summary>
    public static SseFlushPolicy PerItem { get; } = new(TimeSpan.Zero, 0);

    /// <summary>
    /// Coalesce items: flush at most <paramref name="maxDelay"/> after the first unflushed item, or as soon as
    /// <paramref name="maxBufferedBytes"/> are waiting, whichever comes first.
    /// </summary>
    /// <param name="maxDelay">The longest an item waits to be flushed; more than zero.</param>
    /// <param name="maxBufferedBytes">How many unflushed bytes trigger a flush at once; at least 1.</param>
    /// <returns>The policy.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxDelay"/> is not positive, or <paramref name="maxBufferedBytes"/> is less than 1.</exception>
    public static SseFlushPolicy Coalesce(TimeSpan maxDelay, int maxBufferedBytes = 16 * 1024)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(maxDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBufferedBytes, 1);
        return new SseFlushPolicy(maxDelay, maxBufferedBytes);
    }

    /// <summary>Whether every item is flushed at once.</summary>
    public bool IsPerItem => MaxDelay == TimeSpan.Zero;

    /// <summary>The longest an item waits to be flushed; zero for <see cref="PerItem"/>.</summary>
    public TimeSpan MaxDelay { get; }

    /// <summary>How many unflushed bytes trigger a flush at once; zero for <see cref="PerItem"/>.</summary>
    public int MaxBufferedBytes { get; }
}

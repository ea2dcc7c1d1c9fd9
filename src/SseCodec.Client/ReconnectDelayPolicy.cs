namespace SseCodec.Client;

/// <summary>
/// The wait before a reconnection: the reconnection time after a healthy connection, backed off exponentially after
/// consecutive failures, and always within bounds, whatever the server sends.
/// </summary>
/// <remarks>
/// Failure number <c>n</c> in a row (n ≥ 2) waits between <c>max(R, B / 2)</c> and <c>B</c>, where <c>R</c> is the
/// reconnection time and <c>B = min(max(R, floor) × 2^(n−1), cap)</c>: a <c>retry: 0</c> cannot make the floor
/// zero, so the least wait doubles from <c>floor</c> up to half the cap. A reconnection time over the cap applies in
/// full, and nothing waits longer than the server limit.
/// </remarks>
internal readonly record struct ReconnectDelayPolicy(TimeSpan Floor, TimeSpan Cap, TimeSpan ServerLimit)
{
    public static ReconnectDelayPolicy From(SseClientOptions options) =>
        new(options.MinBackoffDelay, options.MaxReconnectionDelay, options.MaxServerDelay);

    /// <summary>Computes the wait before reconnection number <paramref name="failures"/> in a row.</summary>
    /// <param name="reconnectionTime">The event source's reconnection time (the server's <c>retry</c>, possibly huge).</param>
    /// <param name="failures">1 for the first reconnection after a healthy connection, which waits exactly the reconnection time.</param>
    /// <param name="retryAfter">The server's <c>Retry-After</c>, if any: waited at least, up to the server limit.</param>
    /// <param name="jitter">Randomizes a backed-off wait between half and all of it; <see langword="null"/> for none.</param>
    public TimeSpan Compute(TimeSpan reconnectionTime, int failures, TimeSpan? retryAfter, Random? jitter)
    {
        TimeSpan reconnection = Clamp(reconnectionTime);
        TimeSpan delay = failures <= 1 || reconnection >= Cap ? reconnection : BackOff(reconnection, failures, jitter);
        if (retryAfter is { } serverDelay && Clamp(serverDelay) > delay)
        {
            delay = Clamp(serverDelay);
        }

        return delay;
    }

    private TimeSpan BackOff(TimeSpan reconnection, int failures, Random? jitter)
    {
        // Spec: "if the previous attempt failed, then user agents might introduce an exponential backoff delay".
        // The base is at least the floor, so a server's retry: 0 cannot turn failures into a storm.
        double start = Math.Max(reconnection.Ticks, Floor.Ticks);
        int doublings = Math.Min(failures - 1, 40);
        double backedOff = Math.Min(start * Math.Pow(2, doublings), Cap.Ticks);
        double least = Math.Max(reconnection.Ticks, backedOff / 2);
        if (jitter is not null)
        {
#pragma warning disable CA5394 // Jitter spreads reconnections out; it needs no cryptographic randomness.
            backedOff *= 0.5 + (0.5 * jitter.NextDouble());
#pragma warning restore CA5394
        }

        return TimeSpan.FromTicks((long)Math.Max(least, backedOff));
    }

    /// <summary>Bounds a wait the server chose: never negative, never over the limit (Task.Delay rejects over ~49 days).</summary>
    private TimeSpan Clamp(TimeSpan wait) =>
        wait < TimeSpan.Zero ? TimeSpan.Zero : wait > ServerLimit ? ServerLimit : wait;
}

namespace SseCodec.Client;

/// <summary>The delay before a reconnection: the reconnection time, backed off exponentially after consecutive failures.</summary>
internal static class ReconnectBackoff
{
    /// <summary>Computes the delay before reconnection number <paramref name="attempt"/> in a row.</summary>
    /// <param name="reconnectionTime">The event source's reconnection time: never waited less than that.</param>
    /// <param name="attempt">1 for the first reconnection after a healthy connection, which waits exactly the reconnection time.</param>
    /// <param name="cap">The cap on the backed-off delay; a longer reconnection time still applies in full.</param>
    /// <param name="jitter">Randomizes a backed-off delay between half and all of it; <see langword="null"/> for none.</param>
    public static TimeSpan Compute(TimeSpan reconnectionTime, int attempt, TimeSpan cap, Random? jitter)
    {
        if (attempt <= 1 || reconnectionTime >= cap)
        {
            // Spec: "Wait a delay equal to the reconnection time of the event source."
            return reconnectionTime;
        }

        // Spec: "if the previous attempt failed, then user agents might introduce an exponential backoff delay".
        int doublings = Math.Min(attempt - 1, 30);
        double backedOff = Math.Min(reconnectionTime.Ticks * Math.Pow(2, doublings), cap.Ticks);
        if (jitter is not null)
        {
#pragma warning disable CA5394 // Jitter spreads reconnections out; it needs no cryptographic randomness.
            backedOff *= 0.5 + (0.5 * jitter.NextDouble());
#pragma warning restore CA5394
        }

        return TimeSpan.FromTicks(Math.Max(reconnectionTime.Ticks, (long)backedOff));
    }
}

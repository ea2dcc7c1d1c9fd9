using SseCodec.Reference;

namespace SseCodec.Client.Tests.Infrastructure;

/// <summary>Drives a client's waits on a manual clock: each step waits for the client to arm its next wait, then lets it pass.</summary>
internal static class Clock
{
    /// <summary>Waits until the client has armed a wait (or <paramref name="done"/> completed), then advances past it.</summary>
    /// <returns>The wait passed, or null when <paramref name="done"/> completed first.</returns>
    public static async Task<TimeSpan?> PassNextWaitAsync(ManualTimeProvider time, Task done)
    {
        await Eventually.TrueAsync(() => done.IsCompleted || time.PendingDelays.Count > 0, "the client to arm a wait or finish");
        if (time.PendingDelays.Count == 0)
        {
            return null;
        }

        TimeSpan wait = time.PendingDelays[0];
        time.Advance(wait);
        return wait;
    }

    /// <summary>Passes every wait the client arms until <paramref name="done"/> completes, failing after <paramref name="maxWaits"/> of them.</summary>
    public static async Task RunUntilAsync(ManualTimeProvider time, Task done, int maxWaits = 100)
    {
        for (int waits = 0; await PassNextWaitAsync(time, done) is not null; waits++)
        {
            if (waits == maxWaits)
            {
                throw new TimeoutException($"The client was still waiting after {maxWaits} waits.");
            }
        }
    }
}

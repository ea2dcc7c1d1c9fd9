namespace SseCodec.Testing;

/// <summary>
/// Waits for a condition on an object that calls a hook each time its state changes (a test hook of the library),
/// so that a test neither polls nor sleeps.
/// </summary>
public static class HookedCondition
{
    /// <summary>Completes once <paramref name="condition"/> holds, looking again each time the hook is called.</summary>
    /// <param name="setHook">Installs the hook (and removes it, given null).</param>
    /// <param name="condition">What the test waits for.</param>
    /// <param name="describeFailure">The failure message, should the wait outlast <see cref="Eventually.HangGuard"/>.</param>
    public static async Task WaitAsync(Action<Action?> setHook, Func<bool> condition, Func<string> describeFailure)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Check()
        {
            if (condition())
            {
                reached.TrySetResult();
            }
        }

        // Hooked before the first look, so that a change between the two is not missed.
        setHook(Check);
        try
        {
            Check();
            await reached.Task.WaitAsync(Eventually.HangGuard);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{describeFailure()} after {Eventually.HangGuard.TotalSeconds} s.");
        }
        finally
        {
            setHook(null);
        }
    }
}

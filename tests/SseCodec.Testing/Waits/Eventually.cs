namespace SseCodec.Testing;

/// <summary>
/// Waits for a task that must complete. The bound only turns a hang (a bug) into a failure with a name: no test
/// relies on anything happening within it, so a loaded machine can only make a test slower, never fail it.
/// </summary>
public static class Eventually
{
    /// <summary>How long any wait in the suites may take before the test fails: a bound for a hung test, never a measure of speed.</summary>
    public static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(2);

    public static async Task<T> Within<T>(Task<T> task, string what)
    {
        await Within((Task)task, what);
        return await task;
    }

    public static async Task Within(Task task, string what)
    {
        try
        {
            await task.WaitAsync(HangGuard);
        }
        catch (TimeoutException) when (!task.IsCompleted)
        {
            throw new TimeoutException($"Still waiting after {HangGuard.TotalSeconds} s, a hang: {what}");
        }
    }
}

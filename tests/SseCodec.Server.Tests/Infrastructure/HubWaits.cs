using SseCodec.Server;

namespace SseCodec.Server.Tests.Infrastructure;

/// <summary>Waits for a hub's connections through its test hook, so that a test never polls or sleeps.</summary>
internal static class HubWaits
{
    /// <summary>How long a wait may take before the test fails: a bound for a hung test, never a measure of speed.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>Completes when the hub has exactly <paramref name="count"/> connections.</summary>
    public static Task WaitForConnectionsAsync(this SseHub hub, int count) => hub.WaitForConnectionsAsync(n => n == count, $"exactly {count}");

    /// <summary>Completes when the hub's connection count satisfies <paramref name="condition"/>.</summary>
    public static async Task WaitForConnectionsAsync(this SseHub hub, Func<int, bool> condition, string described)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Check()
        {
            if (condition(hub.ConnectionCount))
            {
                reached.TrySetResult();
            }
        }

        // Hooked before the first look, so that a change between the two is not missed.
        hub.ConnectionCountChanged = Check;
        try
        {
            Check();
            await reached.Task.WaitAsync(Patience);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"The hub has {hub.ConnectionCount} connections, not {described}, after {Patience.TotalSeconds} s.");
        }
        finally
        {
            hub.ConnectionCountChanged = null;
        }
    }
}

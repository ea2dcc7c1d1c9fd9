using SseCodec.Server;

namespace SseCodec.AspNetCore.Tests.Infrastructure;

/// <summary>Waits for a hub's connections through its test hook (internal to the server library), never polling.</summary>
internal static class HubWaits
{
    /// <summary>Completes when the hub has exactly <paramref name="count"/> connections.</summary>
    public static Task WaitForConnectionsAsync(this SseHub hub, int count) => hub.WaitForConnectionsAsync(n => n == count, $"exactly {count}");

    /// <summary>Completes when the hub's connection count satisfies <paramref name="condition"/>.</summary>
    public static Task WaitForConnectionsAsync(this SseHub hub, Func<int, bool> condition, string described) =>
        HookedCondition.WaitAsync(hook => hub.ConnectionCountChanged = hook, () => condition(hub.ConnectionCount), () => $"The hub has {hub.ConnectionCount} connections, not {described},");
}

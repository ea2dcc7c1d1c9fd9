using SseCodec.Server;

namespace SseCodec.Server.Tests.Infrastructure;

/// <summary>Waits for a hub's connections through its test hook (internal to the server library), never polling.</summary>
internal static class HubWaits
{
    /// <summary>Completes when the hub has exactly <paramref name="count"/> connections.</summary>
    public static Task WaitForConnectionsAsync(this SseHub hub, int count) =>
        HookedCondition.WaitAsync(hook => hub.ConnectionCountChanged = hook, () => hub.ConnectionCount == count, () => $"The hub has {hub.ConnectionCount} connections, not {count},");
}

namespace SseCodec.Server;

/// <summary>How an <see cref="SseHub"/> answers a <c>Last-Event-ID</c> its history does not hold.</summary>
public enum SseUnknownLastEventId
{
    /// <summary>
    /// Replay nothing and send one event of type <see cref="SseHubOptions.UnknownLastEventIdEventType"/> with the data
    /// <c>Last-Event-ID not found</c> and no ID, which an <c>EventSource</c> listener for that type sees; then live events.
    /// </summary>
    SendEvent,

    /// <summary>Replay nothing and send the comment <c>: Last-Event-ID not found</c>, which only raw readers see; then live events.</summary>
    SendComment,

    /// <summary>Replay every event the history holds, oldest first (within <see cref="SseHubOptions.MaxReplayBytes"/>); then live events.</summary>
    ReplayAll,
}

namespace SseCodec.Client;

/// <summary>Data for <see cref="SseClient.ReconnectScheduled"/>.</summary>
public sealed class SseReconnectEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    /// <param name="delay">How long the client waits before it reconnects.</param>
    /// <param name="attempt">How many reconnections in a row this one is: 1 after a healthy connection.</param>
    /// <param name="lastEventId">The last event ID the next request carries; empty if none.</param>
    public SseReconnectEventArgs(TimeSpan delay, int attempt, string lastEventId)
    {
        Delay = delay;
        Attempt = attempt;
        LastEventId = lastEventId;
    }

    /// <summary>How long the client waits before it reconnects: the reconnection time, backed off after consecutive failures.</summary>
    public TimeSpan Delay { get; }

    /// <summary>How many reconnections in a row this one is: 1 after a healthy connection, more while connections keep failing.</summary>
    public int Attempt { get; }

    /// <summary>The last event ID the next request sends as <c>Last-Event-ID</c>; empty when none is sent.</summary>
    public string LastEventId { get; }
}

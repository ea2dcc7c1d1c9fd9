namespace SseCodec.Server;

/// <summary>
/// What an <see cref="ISseBackplane"/> delivers a hub's shared stream into: the hub it was started by, seen only
/// through the calls a backplane needs.
/// </summary>
public sealed class SseBackplaneSink
{
    private readonly SseHub _hub;

    internal SseBackplaneSink(SseHub hub) => _hub = hub;

    /// <summary>The hub's name, for the backplane's logs and metrics.</summary>
    public string HubName => _hub.Name;

    /// <summary>
    /// Says where delivery starts: the sequence number of the last event the stream held when the backplane began
    /// reading (0 for an empty stream). Connections are served from then on; call it once, before any delivery.
    /// </summary>
    /// <param name="lastSequence">The last sequence number already in the stream.</param>
    /// <exception cref="InvalidOperationException">Called more than once.</exception>
    public void Start(long lastSequence)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(lastSequence);
        _hub.OnBackplaneStarted(lastSequence);
    }

    /// <summary>
    /// Delivers one event of the stream to the hub's connections. An event at or below the last delivered sequence
    /// number is ignored, so that a backplane that reads an event twice (after a reconnection) delivers it once.
    /// </summary>
    /// <param name="entry">The event: its sequence number, its ID, its group, and its complete encoded bytes (ID field included), valid only during the call.</param>
    public void Deliver(in SseHistoryEntry entry) => _hub.DeliverFromBackplane(entry);

    /// <summary>
    /// Passes over an event the backplane could not read (a malformed entry it has reported): nothing is delivered, but
    /// the sequence moves on, so that the next event is not taken for a gap.
    /// </summary>
    /// <param name="sequence">The sequence number of the event passed over.</param>
    public void Skip(long sequence) => _hub.SkipFromBackplane(sequence);
}

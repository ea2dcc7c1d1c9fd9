namespace SseCodec.Server;

/// <summary>
/// Carries one hub's events between server nodes: every node's <see cref="SseHub"/> appends to the same shared stream,
/// which numbers the events once for all nodes, and each node's hub gets every event back, in that order, to deliver
/// to its own connections. Engines (Redis Streams in <c>SseCodec.Redis</c>; others can follow) implement this.
/// </summary>
/// <remarks>
/// A hub with a backplane publishes only through <see cref="SseHub.PublishAsync(string, string?, string?, string?, CancellationToken)"/>
/// and its kin: the event is delivered to this node's connections when it comes back from the backplane, like every
/// other node's. The backplane also chooses each event's ID (the hub's <c>id</c> argument must be <see langword="null"/>).
/// A hub owns its backplane: it starts it once, and disposing the hub disposes it.
/// </remarks>
public interface ISseBackplane : IAsyncDisposable
{
    /// <summary>
    /// Starts delivering: the backplane calls <see cref="SseBackplaneSink.Start(long)"/> once with the sequence number
    /// of the last event already in the stream, then <see cref="SseBackplaneSink.Deliver(in SseHistoryEntry)"/> for each
    /// later event, in order, from one thread at a time. Called once, by the hub's constructor; it must not block.
    /// </summary>
    /// <param name="sink">Where to deliver.</param>
    void Start(SseBackplaneSink sink);

    /// <summary>Appends an event to the shared stream once, and returns the sequence number the stream gave it.</summary>
    /// <param name="utf8Event">
    /// The complete encoded event, blank line included, with no <c>id</c> field: the backplane adds the ID it assigns.
    /// Valid only until the returned task completes.
    /// </param>
    /// <param name="group">The group it is published to, or <see langword="null"/> for every connection.</param>
    /// <param name="cancellationToken">Stops waiting; the event may have been appended all the same.</param>
    /// <returns>The event's sequence number, once the stream has it.</returns>
    /// <exception cref="SseBackplaneException">The stream could not be reached or refused the event; the message says which.</exception>
    ValueTask<long> AppendAsync(ReadOnlyMemory<byte> utf8Event, string? group, CancellationToken cancellationToken);
}

namespace SseCodec.Cli;

/// <summary>What one pass of <c>sse demo</c> received, and where its time went.</summary>
/// <param name="Count">The events published.</param>
/// <param name="Received">The events the client read.</param>
/// <param name="DataBytes">The bytes of data in them.</param>
/// <param name="LastId">The highest event ID read.</param>
/// <param name="Missing">IDs skipped: events that never arrived.</param>
/// <param name="Unexpected">Events whose ID was not the next one: repeated, older, or not a number.</param>
/// <param name="Connections">How many times the client connected.</param>
/// <param name="Publishing">From the first <c>SseHub.Publish</c> to the return of the last.</param>
/// <param name="Delivery">From the first <c>SseHub.Publish</c> to the last event read by the client.</param>
/// <param name="ReconnectPause">From the client's drop to the first event on its new connection; zero without a reconnect.</param>
/// <param name="Cpu">The CPU time the process used, on all its threads, from the first <c>SseHub.Publish</c> to the end of reading.</param>
/// <param name="Stalled">Whether the pass gave up waiting for events that did not come.</param>
internal sealed record DemoPassResult(
    long Count,
    long Received,
    long DataBytes,
    long LastId,
    long Missing,
    long Unexpected,
    int Connections,
    TimeSpan Publishing,
    TimeSpan Delivery,
    TimeSpan ReconnectPause,
    TimeSpan Cpu,
    bool Stalled)
{
    /// <summary>Every event arrived once, in order.</summary>
    public bool IsComplete => !Stalled && Missing == 0 && Unexpected == 0 && Received == Count && LastId == Count;

    /// <summary>Events read per second of <see cref="Delivery"/>.</summary>
    public double EventsPerSecond => Received / Math.Max(Delivery.TotalSeconds, 1e-9);
}

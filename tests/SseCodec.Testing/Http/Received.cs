namespace SseCodec.Testing;

/// <summary>An event as a client saw it, copied out of the zero-allocation view so that tests can compare lists.</summary>
public sealed record Received(string Type, string Data, string Id)
{
    public static Received From(SseEvent e) => new(e.EventType, e.GetDataString(), e.LastEventId);

    /// <summary>Reads every event of <paramref name="events"/> (an SseClient, say) until it ends.</summary>
    public static async Task<List<Received>> AllAsync(IAsyncEnumerable<SseEvent> events, CancellationToken cancellationToken = default)
    {
        var list = new List<Received>();
        await foreach (SseEvent e in events.WithCancellation(cancellationToken))
        {
            list.Add(From(e));
        }

        return list;
    }
}

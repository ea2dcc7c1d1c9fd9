namespace SseCodec.Server;

/// <summary>One published event as a history keeps it: its order, ID, group and encoded bytes.</summary>
/// <param name="Sequence">The hub's sequence number, increasing by one per published event.</param>
/// <param name="Id">The event's ID, or <see langword="null"/> if it set none.</param>
/// <param name="Group">The group it was published to, or <see langword="null"/> for every connection.</param>
/// <param name="Utf8Event">The complete encoded event, blank line included.</param>
public readonly record struct SseHistoryEntry(long Sequence, string? Id, string? Group, ReadOnlyMemory<byte> Utf8Event);

/// <summary>The events a history holds after a client's last event ID.</summary>
/// <param name="Found">Whether the ID was found; when not (evicted or unknown), <paramref name="Events"/> is everything the history holds.</param>
/// <param name="Events">The events to replay, oldest first.</param>
public readonly record struct SseReplay(bool Found, IReadOnlyList<SseHistoryEntry> Events);

/// <summary>
/// Where an <see cref="SseHub"/> keeps published events so that a reconnecting client's missed events can be replayed.
/// <see cref="SseMemoryEventHistory"/> is bounded and in memory; a durable store can implement this instead.
/// </summary>
public interface ISseEventHistory
{
    /// <summary>
    /// Records a published event. Called under the hub's publishing lock, in sequence order, so it must not block;
    /// <see cref="SseHistoryEntry.Utf8Event"/> is valid only during the call: copy it.
    /// </summary>
    /// <param name="entry">The event.</param>
    void Append(in SseHistoryEntry entry);

    /// <summary>The events recorded after the one whose ID is <paramref name="lastEventId"/>, oldest first.</summary>
    /// <param name="lastEventId">The client's <c>Last-Event-ID</c>.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The events to replay, and whether the ID was found.</returns>
    ValueTask<SseReplay> GetEventsAfterAsync(string lastEventId, CancellationToken cancellationToken);
}

/// <summary>A bounded in-memory <see cref="ISseEventHistory"/>: the newest events up to a count and a byte budget.</summary>
public sealed class SseMemoryEventHistory : ISseEventHistory
{
    private readonly object _gate = new();
    private readonly Queue<SseHistoryEntry> _entries = new();
    private long _bytes;

    /// <summary>Creates a history.</summary>
    /// <param name="capacity">The most events kept; at least 1.</param>
    /// <param name="maxBytes">The most encoded bytes kept; at least 1. The oldest events go first.</param>
    public SseMemoryEventHistory(int capacity = 1024, long maxBytes = 16 * 1024 * 1024)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        Capacity = capacity;
        MaxBytes = maxBytes;
    }

    /// <summary>The most events kept.</summary>
    public int Capacity { get; }

    /// <summary>The most encoded bytes kept.</summary>
    public long MaxBytes { get; }

    /// <summary>How many events are kept now.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <inheritdoc/>
    public void Append(in SseHistoryEntry entry)
    {
        SseHistoryEntry copy = entry with { Utf8Event = entry.Utf8Event.ToArray() };
        lock (_gate)
        {
            _entries.Enqueue(copy);
            _bytes += copy.Utf8Event.Length;
            while (_entries.Count > Capacity || (_bytes > MaxBytes && _entries.Count > 1))
            {
                _bytes -= _entries.Dequeue().Utf8Event.Length;
            }
        }
    }

    /// <inheritdoc/>
    public ValueTask<SseReplay> GetEventsAfterAsync(string lastEventId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lastEventId);
        lock (_gate)
        {
            SseHistoryEntry[] all = _entries.ToArray();
            for (int i = all.Length - 1; i >= 0; i--)
            {
                if (all[i].Id == lastEventId)
                {
                    return new ValueTask<SseReplay>(new SseReplay(true, all.AsSpan(i + 1).ToArray()));
                }
            }

            return new ValueTask<SseReplay>(new SseReplay(false, all));
        }
    }
}

namespace SseCodec.Server;

/// <summary>One published event as a history keeps it: its order, ID, group and encoded bytes.</summary>
/// <param name="Sequence">The hub's sequence number, increasing by one per published event.</param>
/// <param name="Id">The event's ID, or <see langword="null"/> if it set none.</param>
/// <param name="Group">The group it was published to, or <see langword="null"/> for every connection.</param>
/// <param name="Utf8Event">The complete encoded event, blank line included.</param>
public readonly record struct SseHistoryEntry(long Sequence, string? Id, string? Group, ReadOnlyMemory<byte> Utf8Event);

/// <summary>One page of the events a history holds after a sequence number.</summary>
/// <param name="Contiguous">
/// Whether <paramref name="Events"/> starts right after the sequence asked for, so nothing in between was evicted. When
/// <see langword="false"/>, <paramref name="Events"/> starts at the oldest event the history still holds.
/// </param>
/// <param name="Events">The events, oldest first: at least one when the history holds any after the sequence.</param>
public readonly record struct SseReplay(bool Contiguous, IReadOnlyList<SseHistoryEntry> Events);

/// <summary>
/// Where an <see cref="SseHub"/> keeps published events so that a reconnecting client's missed events can be replayed,
/// and a connection that fell behind its queue can catch up. <see cref="SseMemoryEventHistory"/> is bounded and in
/// memory; a durable store can implement this instead.
/// </summary>
/// <remarks>The hub reads a replay a page at a time and writes each page through the connection's backpressure.</remarks>
public interface ISseEventHistory
{
    /// <summary>
    /// Records a published event. Called under the hub's publishing lock, in sequence order, so it must not block;
    /// <see cref="SseHistoryEntry.Utf8Event"/> is valid only during the call: copy it.
    /// </summary>
    /// <param name="entry">The event.</param>
    void Append(in SseHistoryEntry entry);

    /// <summary>Finds the newest kept event whose ID is <paramref name="id"/>.</summary>
    /// <param name="id">The client's <c>Last-Event-ID</c>.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The event, or <see langword="null"/> when no kept event has that ID (unknown, or evicted).</returns>
    ValueTask<SseHistoryEntry?> FindAsync(string id, CancellationToken cancellationToken);

    /// <summary>Reads the events recorded after sequence number <paramref name="sequence"/>, oldest first, up to a byte budget.</summary>
    /// <param name="sequence">The last sequence number the reader already has; 0 for none.</param>
    /// <param name="maxBytes">The most encoded bytes to return; the first event is returned even when it is larger.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The page, and whether it follows <paramref name="sequence"/> with no gap.</returns>
    ValueTask<SseReplay> ReadAfterAsync(long sequence, long maxBytes, CancellationToken cancellationToken);
}

/// <summary>A bounded in-memory <see cref="ISseEventHistory"/>: the newest events up to a count and a byte budget.</summary>
public sealed class SseMemoryEventHistory : ISseEventHistory
{
    /// <summary>
    /// The most events one page holds, so that its array (40 bytes an entry) stays below the 85,000 bytes past which
    /// arrays go to the large object heap: 64 KiB of 20-byte events would otherwise be a 130 KB array per page.
    /// </summary>
    private const int MaxPageEvents = 1024;

    private readonly object _gate = new();

    // Oldest first.
    private readonly HistoryEntryQueue _entries = new();
    private long _bytes;
    private long _lastSequence;

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
            _lastSequence = Math.Max(_lastSequence, copy.Sequence);
            while (_entries.Count > Capacity || (_bytes > MaxBytes && _entries.Count > 1))
            {
                _bytes -= _entries.Dequeue().Utf8Event.Length;
            }
        }
    }

    /// <inheritdoc/>
    public ValueTask<SseHistoryEntry?> FindAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        lock (_gate)
        {
            for (int i = _entries.Count - 1; i >= 0; i--)
            {
                if (_entries[i].Id == id)
                {
                    return new ValueTask<SseHistoryEntry?>(_entries[i]);
                }
            }

            return new ValueTask<SseHistoryEntry?>((SseHistoryEntry?)null);
        }
    }

    /// <inheritdoc/>
    /// <remarks>A page holds at most 1,024 events, whatever <paramref name="maxBytes"/> allows.</remarks>
    public ValueTask<SseReplay> ReadAfterAsync(long sequence, long maxBytes, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            int start = FirstAfter(sequence);
            bool contiguous = start < _entries.Count ? start > 0 || _entries[start].Sequence <= sequence + 1 : _lastSequence <= sequence;

            // Counted first, so that the page is one array of its exact size rather than a list grown by doubling.
            int count = 0;
            long bytes = 0;
            while (start + count < _entries.Count && count < MaxPageEvents)
            {
                int length = _entries[start + count].Utf8Event.Length;
                if (count > 0 && bytes + length > maxBytes)
                {
                    break;
                }

                bytes += length;
                count++;
            }

            var page = new SseHistoryEntry[count];
            _entries.CopyTo(start, page);
            return new ValueTask<SseReplay>(new SseReplay(contiguous, page));
        }
    }

    /// <summary>The index of the first kept entry whose sequence is above <paramref name="sequence"/> (entries are in sequence order).</summary>
    private int FirstAfter(long sequence)
    {
        int lo = 0, hi = _entries.Count;
        while (lo < hi)
        {
            int mid = lo + ((hi - lo) / 2);
            if (_entries[mid].Sequence <= sequence)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}

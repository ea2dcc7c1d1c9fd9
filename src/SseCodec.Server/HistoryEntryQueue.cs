namespace SseCodec.Server;

/// <summary>
/// The memory history's entries, oldest first, in chunks of 1,024 entries (40 KiB each). Growing adds a chunk instead
/// of copying every entry into an array twice the size, which past 85,000 bytes is a large-object-heap allocation (each
/// counts toward a full collection, and a 100,000-event history allocated 10 MB of them while it filled); the oldest
/// entries leave a chunk at a time with no copying, and the chunk emptied at the front is reused at the back, so a
/// full history appends without allocating. Not thread-safe: the history locks around it.
/// </summary>
internal sealed class HistoryEntryQueue
{
    private const int ChunkBits = 10;
    private const int ChunkSize = 1 << ChunkBits;
    private const int ChunkMask = ChunkSize - 1;

    private readonly List<SseHistoryEntry[]> _chunks = [];
    private SseHistoryEntry[]? _spare;

    /// <summary>Where the oldest entry lies in the first chunk.</summary>
    private int _head;

    public int Count { get; private set; }

    /// <summary>The entry <paramref name="index"/> places after the oldest; the caller keeps it below <see cref="Count"/>.</summary>
    public ref readonly SseHistoryEntry this[int index]
    {
        get
        {
            int position = _head + index;
            return ref _chunks[position >> ChunkBits][position & ChunkMask];
        }
    }

    public void Enqueue(in SseHistoryEntry entry)
    {
        int position = _head + Count;
        if (position >> ChunkBits == _chunks.Count)
        {
            _chunks.Add(_spare ?? new SseHistoryEntry[ChunkSize]);
            _spare = null;
        }

        _chunks[position >> ChunkBits][position & ChunkMask] = entry;
        Count++;
    }

    /// <summary>Removes and returns the oldest entry; the caller makes sure there is one.</summary>
    public SseHistoryEntry Dequeue()
    {
        SseHistoryEntry[] first = _chunks[0];
        SseHistoryEntry oldest = first[_head];

        // The slot no longer holds the event's bytes, ID and group alive.
        first[_head] = default;
        Count--;
        if (++_head == ChunkSize)
        {
            _chunks.RemoveAt(0);
            _spare = first;
            _head = 0;
        }

        return oldest;
    }

    /// <summary>Copies <paramref name="destination"/>'s length of entries, starting at <paramref name="index"/>.</summary>
    public void CopyTo(int index, Span<SseHistoryEntry> destination)
    {
        int position = _head + index;
        while (!destination.IsEmpty)
        {
            int offset = position & ChunkMask;
            int count = Math.Min(ChunkSize - offset, destination.Length);
            _chunks[position >> ChunkBits].AsSpan(offset, count).CopyTo(destination);
            destination = destination[count..];
            position += count;
        }
    }
}

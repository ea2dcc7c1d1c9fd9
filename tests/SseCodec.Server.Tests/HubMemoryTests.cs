using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SseCodec.Server;

namespace SseCodec.Server.Tests;

/// <summary>
/// What the hub's buffers and the memory history cost: entries stored in fixed chunks, pages of their exact size,
/// queued events in arrays of their own size. Allocation is measured on the test's own thread.
/// </summary>
public sealed class HubMemoryTests
{
    private static SseHistoryEntry Entry(long sequence, ReadOnlyMemory<byte> bytes = default) => new(sequence, null, null, bytes);

    [Fact]
    public void Filling_a_history_allocates_its_entries_in_chunks_not_by_doubling()
    {
        const int Count = 100_000;
        var history = new SseMemoryEventHistory(capacity: Count);
        history.Append(Entry(1));

        // Events with no bytes: what is left is the entry storage alone (an empty copy allocates nothing).
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 2; i <= Count; i++)
        {
            history.Append(Entry(i));
        }

        double perAppend = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)(Count - 1);

        // A chunk of 1,024 entries costs 40 B an entry. A list doubling to 131,072 entries allocated about 105 B an
        // entry, every array it outgrew included, the largest of them on the large object heap.
        Assert.InRange(perAppend, 0, 48);
        Assert.Equal(Count, history.Count);
    }

    [Fact]
    public void A_full_history_appends_without_allocating()
    {
        var history = new SseMemoryEventHistory(capacity: 2_000);
        long sequence = 0;
        for (int i = 0; i < 5_000; i++)
        {
            history.Append(Entry(++sequence));
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++)
        {
            history.Append(Entry(++sequence));
        }

        // The chunk emptied by eviction is reused for new entries.
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(2_000, history.Count);
    }

    [Fact]
    public async Task A_history_page_holds_at_most_1024_events_in_an_array_of_their_number()
    {
        var history = new SseMemoryEventHistory(capacity: 5_000);
        byte[] tenBytes = new byte[10];
        for (int i = 1; i <= 5_000; i++)
        {
            history.Append(Entry(i, tenBytes));
        }

        SseReplay first = await history.ReadAfterAsync(0, long.MaxValue, default);
        Assert.True(first.Contiguous);
        Assert.Equal(Enumerable.Range(1, 1024).Select(i => (long)i), first.Events.Select(e => e.Sequence));

        // From the middle of a chunk, across the next: the page continues where the last ended.
        SseReplay next = await history.ReadAfterAsync(1_500, long.MaxValue, default);
        Assert.Equal(Enumerable.Range(1_501, 1024).Select(i => (long)i), next.Events.Select(e => e.Sequence));

        // The byte budget still decides first: 3 events of 10 bytes fit in 35.
        Assert.Equal([2001L, 2002, 2003], (await history.ReadAfterAsync(2_000, 35, default)).Events.Select(e => e.Sequence));

        long before = GC.GetAllocatedBytesForCurrentThread();
        await history.ReadAfterAsync(100, long.MaxValue, default);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // 1,024 entries of 40 B in one array, plus the page's small objects; a list grown by doubling allocated twice that.
        Assert.InRange(allocated, 1024 * 40, (1024 * 40) + 256);
    }

    [Theory]
    [InlineData(500)] // its chunk still holds the newer entries
    [InlineData(1_500)] // its chunk emptied, kept aside for reuse
    public void An_evicted_event_is_not_kept_alive(int appended)
    {
        var history = new SseMemoryEventHistory(capacity: 10);
        WeakReference firstBytes = AppendAndWatch(history);
        for (int i = 2; i <= appended; i++)
        {
            history.Append(Entry(i, new byte[16]));
        }

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        // The slot it occupied was cleared when it left.
        Assert.False(firstBytes.IsAlive);
        Assert.Equal(10, history.Count);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference AppendAndWatch(SseMemoryEventHistory history)
    {
        history.Append(Entry(1, new byte[16]));
        SseHistoryEntry kept = history.ReadAfterAsync(0, long.MaxValue, default).Result.Events[0];
        Assert.True(MemoryMarshal.TryGetArray(kept.Utf8Event, out ArraySegment<byte> copy));
        return new WeakReference(copy.Array);
    }

    [Fact]
    public void The_entry_queue_keeps_order_across_chunks()
    {
        var queue = new HistoryEntryQueue();
        long next = 1, oldest = 1;
        for (int i = 0; i < 3_000; i++)
        {
            queue.Enqueue(Entry(next++));
        }

        for (int i = 0; i < 1_500; i++)
        {
            Assert.Equal(oldest++, queue.Dequeue().Sequence);
        }

        for (int i = 0; i < 2_500; i++)
        {
            queue.Enqueue(Entry(next++));
        }

        Assert.Equal(next - oldest, queue.Count);
        for (int i = 0; i < queue.Count; i++)
        {
            Assert.Equal(oldest + i, queue[i].Sequence);
        }

        var copy = new SseHistoryEntry[2_100];
        queue.CopyTo(500, copy);
        Assert.Equal(Enumerable.Range(0, copy.Length).Select(i => oldest + 500 + i), copy.Select(e => e.Sequence));

        while (queue.Count > 0)
        {
            Assert.Equal(oldest++, queue.Dequeue().Sequence);
        }

        queue.Enqueue(Entry(next));
        Assert.Equal(next, queue[0].Sequence);
    }

    [Fact]
    public void A_small_event_is_handed_over_in_an_array_of_its_size_and_a_large_one_without_a_copy()
    {
        var writer = new PooledBufferWriter();
        byte[] small = Enumerable.Range(0, 60).Select(i => (byte)i).ToArray();
        writer.Write(small);
        byte[] handed = writer.TakeWritten(out int length);

        // The pool's size class for 60 bytes, not the 256-byte scratch the event was encoded into.
        Assert.Equal(60, length);
        Assert.Equal(64, handed.Length);
        Assert.Equal(small, handed.AsSpan(0, length).ToArray());

        byte[] large = new byte[200];
        large.AsSpan().Fill((byte)'x');
        writer.Write(large);
        Span<byte> scratch = writer.GetSpan(0);
        byte[] takenLarge = writer.TakeWritten(out length);

        // At least half of the scratch: the scratch itself changes hands.
        Assert.Equal(200, length);
        Assert.Equal(256, takenLarge.Length);
        Assert.Equal(large, takenLarge.AsSpan(0, length).ToArray());
        Assert.True(Unsafe.AreSame(ref MemoryMarshal.GetReference(scratch), ref takenLarge[200]));
    }
}

using System.Runtime.CompilerServices;
using System.Text;
using SseCodec.Reference;
using Xunit.Abstractions;

namespace SseCodec.Tests.Parser;

/// <summary>
/// Strings made for a peer's event types and IDs are not kept once the decoder is disposed: a peer cannot pin
/// process-wide memory by sending many large, distinct event types.
/// </summary>
public class EventTypeRetentionTests
{
    private const int LongTypeLength = 64 * 1024;

    [Fact]
    public void Long_event_types_are_not_kept_after_the_decoder_is_disposed()
    {
        var decoder = new SseDecoder();
        List<WeakReference<string>> types = DecodeDistinctTypes(decoder, count: 32, LongTypeLength);
        decoder.Dispose();

        FullCollect();
        Assert.Equal(0, types.Count(t => t.TryGetTarget(out _)));
        GC.KeepAlive(decoder);
    }

    [Fact]
    public void The_last_event_ID_string_is_not_kept_after_the_decoder_is_disposed()
    {
        var decoder = new SseDecoder();
        WeakReference<string> id = DecodeLongId(decoder, LongTypeLength);
        decoder.Dispose();

        FullCollect();
        Assert.False(id.TryGetTarget(out _), "the disposed decoder still holds its last event ID string");
        Assert.Equal("", decoder.LastEventId);
        GC.KeepAlive(decoder);
    }

    [Fact]
    public void Short_event_types_are_shared_across_decoders_and_longer_ones_are_not()
    {
        string shortest = new('s', EventTypeStrings.MaxPooledLength);
        string longer = new('l', EventTypeStrings.MaxPooledLength + 1);
        using var first = new SseDecoder();
        using var second = new SseDecoder();
        Assert.Same(TypeOf(first, shortest), TypeOf(second, shortest));
        Assert.NotSame(TypeOf(first, longer), TypeOf(second, longer));
        Assert.Equal(longer, TypeOf(first, longer));
    }

    [Fact]
    public void However_many_distinct_short_types_arrive_the_pool_keeps_a_bounded_number()
    {
        int count = EventTypeStrings.PoolSize * 8;
        var decoder = new SseDecoder();
        List<WeakReference<string>> types = DecodeDistinctTypes(decoder, count, EventTypeStrings.MaxPooledLength);
        decoder.Dispose();

        FullCollect();
        int alive = types.Count(t => t.TryGetTarget(out _));
        Assert.InRange(alive, 0, EventTypeStrings.PoolSize);
        GC.KeepAlive(decoder);
    }

    [Fact]
    public void A_long_event_type_repeated_allocates_nothing_per_event()
    {
        string type = new('t', 1024);
        byte[] stream = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat($"event: {type}\ndata: x\n\n", 1000)));
        using var decoder = new SseDecoder();
        Assert.Equal(1000, ReadTypes(decoder, stream));
        long before = GC.GetAllocatedBytesForCurrentThread();
        int events = ReadTypes(decoder, stream);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(1000, events);
        Assert.Equal(0, allocated);
    }

    /// <summary>Decodes one event per type, each type distinct, reads each as a string, and returns weak references to them.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static List<WeakReference<string>> DecodeDistinctTypes(SseDecoder decoder, int count, int typeLength)
    {
        var types = new List<WeakReference<string>>(count);
        byte[] line = new byte[typeLength];
        for (int i = 0; i < count; i++)
        {
            line.AsSpan().Fill((byte)'a');
            Encoding.ASCII.GetBytes(i.ToString("D8", System.Globalization.CultureInfo.InvariantCulture), line);
            byte[] input = [.. "event: "u8, .. line, .. "\ndata: x\n\n"u8];
            Assert.True(decoder.TryReadEvent(input, out int consumed, out SseEvent e));
            Assert.Equal(input.Length, consumed);
            string type = e.EventType;
            Assert.Equal(typeLength, type.Length);
            types.Add(new WeakReference<string>(type));
        }

        return types;
    }

    private static string TypeOf(SseDecoder decoder, string type)
    {
        Assert.True(decoder.TryReadEvent(Encoding.UTF8.GetBytes($"event: {type}\ndata: x\n\n"), out _, out SseEvent e));
        return e.EventType;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference<string> DecodeLongId(SseDecoder decoder, int idLength)
    {
        byte[] input = [.. "id: "u8, .. Encoding.ASCII.GetBytes(new string('7', idLength)), .. "\ndata: x\n\n"u8];
        Assert.True(decoder.TryReadEvent(input, out _, out SseEvent e));
        string id = e.LastEventId;
        Assert.Equal(idLength, id.Length);
        return new WeakReference<string>(id);
    }

    private static int ReadTypes(SseDecoder decoder, ReadOnlySpan<byte> stream)
    {
        decoder.Reset();
        int count = 0;
        while (decoder.TryReadEvent(stream, out int consumed, out SseEvent e))
        {
            stream = stream.Slice(consumed);
            count += e.EventType.Length > 0 ? 1 : 0;
        }

        return count;
    }

    internal static void FullCollect()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }
}

[CollectionDefinition(nameof(EventTypeMemoryTests), DisableParallelization = true)]
public sealed class EventTypeMemoryRunsAlone;

/// <summary>Measures the whole heap, so it runs alone: no other test allocates while it measures.</summary>
[Collection(nameof(EventTypeMemoryTests))]
public class EventTypeMemoryTests(ITestOutputHelper output)
{
    [Fact]
    public void The_heap_returns_to_its_size_after_many_large_distinct_event_types()
    {
        // 48 types of 512 KiB: 24 MiB of UTF-8 on the wire, 48 MiB as strings. A counting pool keeps no buffer after
        // dispose, so what stays on the heap is what the decoder (or a cache it used) kept.
        const int count = 48;
        const int typeLength = 512 * 1024;
        long before = GC.GetTotalMemory(forceFullCollection: true);
        var decoder = new SseDecoder(new SseParserOptions { BufferPool = new CountingArrayPool() });
        EventTypeRetentionTests.DecodeDistinctTypes(decoder, count, typeLength);
        decoder.Dispose();
        long growth = GC.GetTotalMemory(forceFullCollection: true) - before;

        long decoded = (long)count * typeLength * sizeof(char);
        output.WriteLine($"heap growth after {decoded:N0} bytes of event type strings: {growth:N0} bytes");
        Assert.True(growth < decoded / 8, $"the heap grew by {growth:N0} bytes after {decoded:N0} bytes of event type strings were made and the decoder disposed");
        GC.KeepAlive(decoder);
    }
}

using System.Buffers;
using System.IO.Pipelines;

namespace SseCodec.Tests;

/// <summary>An <see cref="SseEvent"/> is a view valid until the next read; after it, every member but ToString throws.</summary>
public class StaleEventTests
{
    private static void AssertStale(SseEvent stale)
    {
        Assert.Throws<InvalidOperationException>(() => stale.Data.Length);
        Assert.Throws<InvalidOperationException>(() => stale.DataMemory);
        Assert.Throws<InvalidOperationException>(() => stale.DataLength);
        Assert.Throws<InvalidOperationException>(() => stale.EventType);
        Assert.Throws<InvalidOperationException>(() => stale.EventTypeUtf8.Length);
        Assert.Throws<InvalidOperationException>(() => stale.LastEventId);
        Assert.Throws<InvalidOperationException>(() => stale.LastEventIdUtf8.Length);
        Assert.Throws<InvalidOperationException>(() => stale.ReconnectionTime);
        Assert.Throws<InvalidOperationException>(() => stale.GetDataString());
        Assert.Throws<InvalidOperationException>(() => stale.IsEventType("message"u8));

        // A debugger or a log line may show any view: it says what it is rather than throw or show another event.
        Assert.DoesNotContain("data=", stale.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ToString_describes_a_current_event_and_a_default_one()
    {
        using var decoder = new SseDecoder();
        Assert.True(decoder.TryReadEvent("event: tick\nid: 7\ndata: abc\n\n"u8, out _, out SseEvent current));
        Assert.Equal("tick id=7 data=3 bytes", current.ToString());
        Assert.Equal("(no event)", default(SseEvent).ToString());
        Assert.True(decoder.TryReadEvent("data: next\n\n"u8, out _, out _));
        Assert.Equal("(an event that is no longer current)", current.ToString());
    }

    [Fact]
    public void Event_from_a_span_read_is_stale_after_the_next_read_that_finds_nothing()
    {
        using var decoder = new SseDecoder();
        Assert.True(decoder.TryReadEvent("data: a\n\n"u8, out _, out SseEvent first));
        Assert.Equal("a", first.GetDataString());
        Assert.False(decoder.TryReadEvent("data: b"u8, out _, out _));
        AssertStale(first);
    }

    [Fact]
    public void Event_is_stale_after_the_next_event()
    {
        using var decoder = new SseDecoder();
        ReadOnlyMemory<byte> input = "data: a\n\ndata: b\n\n"u8.ToArray();
        Assert.True(decoder.TryReadEvent(input, out int consumed, out SseEvent first));
        Assert.True(decoder.TryReadEvent(input.Slice(consumed), out _, out SseEvent second));
        AssertStale(first);
        Assert.Equal("b", second.GetDataString());
    }

    [Fact]
    public void Event_from_a_sequence_is_stale_after_the_next_item_read()
    {
        using var decoder = new SseDecoder();
        var input = new ReadOnlySequence<byte>("data: a\n\n: c\n"u8.ToArray());
        Assert.Equal(SseItemKind.Event, decoder.ReadItem(ref input));
        SseEvent first = decoder.CurrentEvent;
        Assert.Equal(SseItemKind.Comment, decoder.ReadItem(ref input));
        AssertStale(first);
        Assert.Throws<InvalidOperationException>(() => decoder.CurrentEvent);
    }

    [Fact]
    public void Event_is_stale_after_Complete_and_after_Dispose()
    {
        var decoder = new SseDecoder();
        Assert.True(decoder.TryReadEvent("data: a\n\n"u8, out _, out SseEvent first));
        decoder.Complete();
        AssertStale(first);

        Assert.True(decoder.TryReadEvent("data: b\n\n"u8, out _, out SseEvent second));
        decoder.Dispose();
        Assert.Throws<InvalidOperationException>(() => second.GetDataString());
    }

    [Fact]
    public void Default_event_throws()
    {
        SseEvent none = default;
        AssertStale(none);
    }

    [Fact]
    public async Task Reader_event_is_stale_after_the_next_read()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync("data: a\n\ndata: b\n\n"u8.ToArray());
        await pipe.Writer.CompleteAsync();
        await using var reader = new SseReader(pipe.Reader);
        Assert.True(await reader.ReadAsync());
        SseEvent first = reader.Current;
        Assert.Equal("a", first.GetDataString());
        Assert.True(await reader.ReadAsync());
        AssertStale(first);
        Assert.Equal("b", reader.Current.GetDataString());
        Assert.False(await reader.ReadAsync());
        Assert.Throws<InvalidOperationException>(() => reader.Current);
    }
}

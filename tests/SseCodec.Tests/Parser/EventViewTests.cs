using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SseCodec.Tests.Parser;

public sealed record Tick(string Symbol, decimal Price);

[JsonSerializable(typeof(Tick))]
public partial class EventViewJsonContext : JsonSerializerContext;

/// <summary>The event view's accessors: strings made once and reused, JSON straight from the bytes, and the decoder's ID state.</summary>
public class EventViewTests
{
    private static void ReadEach(SseDecoder decoder, string text, Action<SseEvent> each)
    {
        ReadOnlySpan<byte> rest = Encoding.UTF8.GetBytes(text);
        while (decoder.TryReadEvent(rest, out int consumed, out SseEvent e))
        {
            rest = rest.Slice(consumed);
            each(e);
        }
    }

    [Fact]
    public void Data_deserializes_from_json_with_source_generated_metadata()
    {
        using var decoder = new SseDecoder();
        Tick? tick = null;
        ReadEach(decoder, "event: tick\ndata: {\"Symbol\":\"MSFT\",\ndata: \"Price\":412.5}\n\n", e => tick = e.GetDataFromJson(EventViewJsonContext.Default.Tick));
        Assert.Equal(new Tick("MSFT", 412.5m), tick);
    }

    [Fact]
    public void Bad_json_throws_JsonException()
    {
        using var decoder = new SseDecoder();
        Assert.Throws<JsonException>(() => ReadEach(decoder, "data: {nope\n\n", e => e.GetDataFromJson(EventViewJsonContext.Default.Tick)));
    }

    [Fact]
    public void Event_type_strings_are_reused_for_types_seen_before()
    {
        using var decoder = new SseDecoder();
        var types = new List<string>();
        ReadEach(decoder, "event: trade\ndata: 1\n\nevent: quote\ndata: 2\n\nevent: trade\ndata: 3\n\ndata: 4\n\nevent: message\ndata: 5\n\n", e => types.Add(e.EventType));
        Assert.Equal(["trade", "quote", "trade", "message", "message"], types);
        Assert.Same(types[0], types[2]);
        Assert.Same("message", types[3]);
        Assert.Same("message", types[4]);
    }

    [Fact]
    public void The_last_event_id_string_is_made_only_when_the_id_changes()
    {
        using var decoder = new SseDecoder();
        var ids = new List<string>();
        ReadEach(decoder, "id: 7\ndata: a\n\ndata: b\n\nid: 8\ndata: c\n\n", e => ids.Add(e.LastEventId));
        Assert.Equal(["7", "7", "8"], ids);
        Assert.Same(ids[0], ids[1]);
        Assert.Same(ids[2], decoder.LastEventId);
    }

    [Fact]
    public void Type_and_id_bytes_are_exposed_without_strings()
    {
        using var decoder = new SseDecoder();
        ReadEach(decoder, "event: é\nid: \u00FF1\ndata: x\n\n", e =>
        {
            Assert.True(e.IsEventType("é"u8));
            Assert.Equal("\u00FF1"u8.ToArray(), e.LastEventIdUtf8.ToArray());
            Assert.Equal(1, e.DataLength);
        });
    }

    [Fact]
    public void SetLastEventId_seeds_the_id_that_events_report_until_the_stream_sets_one()
    {
        using var decoder = new SseDecoder();
        decoder.SetLastEventId("41"u8);
        var ids = new List<string>();
        ReadEach(decoder, "data: a\n\nid: 42\ndata: b\n\n", e => ids.Add(e.LastEventId));
        Assert.Equal(["41", "42"], ids);
        Assert.Throws<ArgumentException>(() => decoder.SetLastEventId("a\nb"u8));
        Assert.Throws<ArgumentException>(() => decoder.SetLastEventId("a\0b"u8));
    }

    [Fact]
    public void Reset_starts_a_new_stream_but_keeps_the_last_event_id_and_reconnection_time()
    {
        using var decoder = new SseDecoder();
        ReadEach(decoder, "retry: 1500\nid: 5\ndata: a\n\nid: 6\ndata: pending", _ => { });
        decoder.Reset();
        Assert.Equal("5", decoder.LastEventId);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), decoder.ReconnectionTime);
        Assert.Equal(0, decoder.BytesConsumed);

        // A new stream may begin with a byte order mark again; the pending "id: 6" event is gone.
        var seen = new List<(string, string)>();
        ReadEach(decoder, "\uFEFFdata: b\n\n", e => seen.Add((e.GetDataString(), e.LastEventId)));
        Assert.Equal([("b", "5")], seen);
    }

    [Fact]
    public void A_default_event_view_refuses_every_access()
    {
        SseEvent none = default;
        Assert.Throws<InvalidOperationException>(() => none.Data.Length);
        Assert.Throws<InvalidOperationException>(() => none.EventType);
        Assert.Equal("(no event)", none.ToString());
    }

    [Fact]
    public void CurrentEvent_and_CurrentComment_refuse_the_wrong_kind()
    {
        using var decoder = new SseDecoder();
        Assert.Equal(SseItemKind.Comment, decoder.ReadItem(": c\n"u8, out _));
        Assert.Throws<InvalidOperationException>(() => decoder.CurrentEvent);
        Assert.Equal(SseItemKind.Event, decoder.ReadItem("data: x\n\n"u8, out _));
        Assert.Throws<InvalidOperationException>(() => decoder.CurrentComment.Length);
        Assert.Equal("message id= data=1 bytes", decoder.CurrentEvent.ToString());
    }
}

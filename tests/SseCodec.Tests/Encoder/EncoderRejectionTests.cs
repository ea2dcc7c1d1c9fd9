using System.Buffers;
using System.Net.ServerSentEvents;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using SseCodec.Reference;

namespace SseCodec.Tests.Encoder;

public class ThrowingConverter : JsonConverter<Point>
{
    public override Point Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => throw new NotSupportedException();

    public override void Write(Utf8JsonWriter writer, Point value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteNumber("X", value.X);
        writer.Flush();
        throw new InvalidOperationException("serializer failed halfway");
    }
}

public class EncoderRejectionTests
{
    // Short values are checked by a scalar loop, values over 32 chars by a vectorized search: both are covered, with
    // the bad character first, in the middle and last.
    private static readonly string Long = new('v', 40);

    public static TheoryData<string> BadTypes => new()
    {
        "a\nb", "a\rb", "\r\n", "x\ndata: injected", "\n\ndata: evil", "\n", "é\r",
        Long + "\n", "\r" + Long, Long + "\ndata: injected" + Long, "é" + Long + "\r",
    };

    public static TheoryData<string> BadIds => new()
    {
        "a\nb", "a\rb", "a\0b", "\0", "1\n\ndata: evil", "1\ndata: x", "é\0",
        Long + "\0", "\n" + Long, Long + "\r" + Long, "\U0001F600" + Long + "\0",
    };

    private static ArrayBufferWriter<byte> Primed()
    {
        var buffer = new ArrayBufferWriter<byte>();
        SseEncoder.WriteEvent(buffer, "before"u8);
        return buffer;
    }

    private static void AssertNothingWritten(ArrayBufferWriter<byte> buffer, Action<IBufferWriter<byte>> write, Type exception)
    {
        int before = buffer.WrittenCount;
        var thrown = Assert.ThrowsAny<ArgumentException>(() => write(buffer));
        Assert.IsType(exception, thrown);
        Assert.Equal(before, buffer.WrittenCount);
        Assert.Equal("data: before\n\n"u8.ToArray(), buffer.WrittenSpan.ToArray());
    }

    [Theory]
    [MemberData(nameof(BadTypes))]
    public void Event_type_with_a_line_break_is_rejected_before_writing(string type)
    {
        var buffer = Primed();
        AssertNothingWritten(buffer, w => SseEncoder.WriteEvent(w, "x"u8, eventType: type), typeof(ArgumentException));
        AssertNothingWritten(buffer, w => SseEncoder.WriteEvent(w, "x", eventType: type), typeof(ArgumentException));
        AssertNothingWritten(buffer, w => SseEncoder.WriteEvent(w, Segmenter.ToSequence(Segmenter.FixedSize("a\nb"u8.ToArray(), 1)), eventType: type), typeof(ArgumentException));
        AssertNothingWritten(buffer, w => SseEncoder.WriteEventJson(w, new Point(1, 2, ""), TestJsonContext.Default.Point, eventType: type), typeof(ArgumentException));
        Assert.Equal("eventType", Assert.Throws<ArgumentException>(() => SseEncoder.WriteEvent(buffer, "x", eventType: type)).ParamName);
    }

    [Theory]
    [MemberData(nameof(BadIds))]
    public void Id_with_a_line_break_or_nul_is_rejected_before_writing(string id)
    {
        var buffer = Primed();
        AssertNothingWritten(buffer, w => SseEncoder.WriteEvent(w, "x"u8, id: id), typeof(ArgumentException));
        AssertNothingWritten(buffer, w => SseEncoder.WriteEvent(w, "x", eventType: "t", id: id), typeof(ArgumentException));
        AssertNothingWritten(buffer, w => SseEncoder.WriteEventJson(w, new Point(1, 2, ""), TestJsonContext.Default.Point, id: id), typeof(ArgumentException));
        AssertNothingWritten(buffer, w => SseEncoder.WriteId(w, id), typeof(ArgumentException));
        if (id.Contains('\0'))
        {
            // SseItem<T> itself rejects CR and LF in an ID, but lets U+0000 through.
            AssertNothingWritten(buffer, w => w.WriteSseItem(new SseItem<string>("x") { EventId = id }), typeof(ArgumentException));
        }
    }

    [Fact]
    public void Negative_retry_is_rejected_before_writing()
    {
        var buffer = Primed();
        AssertNothingWritten(buffer, w => SseEncoder.WriteRetry(w, TimeSpan.FromTicks(-1)), typeof(ArgumentOutOfRangeException));
        AssertNothingWritten(buffer, w => SseEncoder.WriteEvent(w, "x"u8, eventType: "ok", id: "ok", retry: TimeSpan.FromSeconds(-5)), typeof(ArgumentOutOfRangeException));
        AssertNothingWritten(buffer, w => SseEncoder.WriteEventJson(w, new Point(1, 2, ""), TestJsonContext.Default.Point, retry: TimeSpan.MinValue), typeof(ArgumentOutOfRangeException));
    }

    [Fact]
    public void A_throwing_serializer_leaves_nothing_written_and_the_next_event_is_clean()
    {
        var options = new JsonSerializerOptions { TypeInfoResolver = TestJsonContext.Default, Converters = { new ThrowingConverter() } };
        var typeInfo = (JsonTypeInfo<Point>)options.GetTypeInfo(typeof(Point));
        var buffer = Primed();
        int before = buffer.WrittenCount;
        Assert.Throws<InvalidOperationException>(() => SseEncoder.WriteEventJson(buffer, new Point(1, 2, "x"), typeInfo, eventType: "t", id: "1"));
        Assert.Equal(before, buffer.WrittenCount);

        // The scratch buffer was reset: the next event carries nothing of the failed one.
        SseEncoder.WriteEventJson(buffer, new Point(5, 6, "ok"), TestJsonContext.Default.Point);
        Assert.Equal(
            [new Decoded.Event("message", "before", ""), new Decoded.Event("message", "{\"X\":5,\"Y\":6,\"Label\":\"ok\"}", "")],
            Decoded.Parse(buffer.WrittenSpan));
    }

    [Fact]
    public void A_throwing_item_formatter_leaves_nothing_written()
    {
        var buffer = Primed();
        int before = buffer.WrittenCount;
        Assert.Throws<InvalidOperationException>(() => buffer.WriteSseItem(new SseItem<int>(1, "t"), (_, w) =>
        {
            w.Write("partial"u8);
            throw new InvalidOperationException();
        }));
        Assert.Equal(before, buffer.WrittenCount);
        buffer.WriteSseItem(new SseItem<int>(7, "t"), (item, w) => w.Write("seven"u8));
        Assert.Equal("data: before\n\nevent: t\ndata: seven\n\n", System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan));
    }
}

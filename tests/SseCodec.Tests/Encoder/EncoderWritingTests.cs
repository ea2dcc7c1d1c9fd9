using System.Buffers;
using System.Text;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Time.Testing;
using SseCodec.Reference;

namespace SseCodec.Tests.Encoder;

public record Point(int X, int Y, string Label);

[JsonSerializable(typeof(Point))]
[JsonSerializable(typeof(string))]
[JsonSourceGenerationOptions(WriteIndented = true)]
public partial class IndentedJsonContext : JsonSerializerContext;

[JsonSerializable(typeof(Point))]
[JsonSerializable(typeof(string))]
public partial class TestJsonContext : JsonSerializerContext;

public class EncoderWritingTests
{
    private static string Write(Action<IBufferWriter<byte>> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        write(buffer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [Fact]
    public void Data_only_event_is_one_data_line_and_a_blank_line() =>
        Assert.Equal("data: hello\n\n", Write(w => SseEncoder.WriteEvent(w, "hello"u8)));

    [Fact]
    public void Fields_come_in_the_documented_order() =>
        Assert.Equal(
            "event: add\nid: 7\nretry: 1500\ndata: x\n\n",
            Write(w => SseEncoder.WriteEvent(w, "x", eventType: "add", id: "7", retry: TimeSpan.FromMilliseconds(1500.9))));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("message")]
    public void The_default_event_type_is_not_written(string? type) =>
        Assert.Equal("data: x\n\n", Write(w => SseEncoder.WriteEvent(w, "x", eventType: type)));

    [Fact]
    public void An_empty_id_is_written_because_it_resets_the_last_event_id() =>
        Assert.Equal("id: \ndata: x\n\n", Write(w => SseEncoder.WriteEvent(w, "x", id: "")));

    [Theory]
    [InlineData("a\nb", "data: a\ndata: b\n\n")]
    [InlineData("a\rb", "data: a\ndata: b\n\n")]
    [InlineData("a\r\nb", "data: a\ndata: b\n\n")]
    [InlineData("a\n", "data: a\ndata: \n\n")]
    [InlineData("\n", "data: \ndata: \n\n")]
    [InlineData("", "data: \n\n")]
    [InlineData("\r\r\n\n", "data: \ndata: \ndata: \ndata: \n\n")]
    [InlineData(" lead", "data:  lead\n\n")]
    public void Data_lines_are_split_at_every_line_break(string data, string expected)
    {
        Assert.Equal(expected, Write(w => SseEncoder.WriteEvent(w, data)));
        Assert.Equal(expected, Write(w => SseEncoder.WriteEvent(w, Encoding.UTF8.GetBytes(data))));
        byte[] bytes = Encoding.UTF8.GetBytes(data);
        for (int segment = 1; segment <= Math.Max(1, bytes.Length); segment++)
        {
            Assert.Equal(expected, Write(w => SseEncoder.WriteEvent(w, Segmenter.ToSequence(Segmenter.FixedSize(bytes, segment)))));
        }
    }

    [Fact]
    public void A_crlf_split_across_segments_is_one_line_break()
    {
        byte[] bytes = "a\r\nb"u8.ToArray();
        Assert.Equal("data: a\ndata: b\n\n", Write(w => SseEncoder.WriteEvent(w, Segmenter.ToSequence(Segmenter.FixedSize(bytes, 2)))));
    }

    [Fact]
    public void Comments_become_one_line_per_line() =>
        Assert.Equal(": one\n: two\n: \n", Write(w => SseEncoder.WriteComment(w, "one\r\ntwo\n")));

    [Fact]
    public void Utf8_comments_become_one_line_per_line() =>
        Assert.Equal(": one\n: two\n", Write(w => SseEncoder.WriteComment(w, "one\rtwo"u8)));

    [Fact]
    public void Heartbeat_is_an_empty_comment_line() =>
        Assert.Equal(":\n", Write(SseEncoder.WriteHeartbeat));

    [Fact]
    public void Lone_retry_is_one_line() =>
        Assert.Equal("retry: 3000\n", Write(w => SseEncoder.WriteRetry(w, TimeSpan.FromSeconds(3))));

    [Fact]
    public void Id_only_block_ends_with_a_blank_line_and_dispatches_nothing()
    {
        string text = Write(w => SseEncoder.WriteId(w, "42"));
        Assert.Equal("id: 42\n\n", text);
        Assert.Equal(
            [new Decoded.Event("message", "x", "42")],
            Decoded.Parse(Encoding.UTF8.GetBytes(text + "data: x\n\n")));
    }

    [Fact]
    public void Lone_surrogates_become_the_replacement_character()
    {
        string text = Write(w => SseEncoder.WriteEvent(w, "a\uD800b\uDC00c\r\uD83D", eventType: "t\uDFFF", id: "\uD801"));
        Assert.Equal("event: t\uFFFD\nid: \uFFFD\ndata: a\uFFFDb\uFFFDc\ndata: \uFFFD\n\n", text);
    }

    [Theory]
    [InlineData("update", "12345")]
    [InlineData("é", "\U0001F600")]
    [InlineData("\u007F\u0080", "\u00FF\u0100")]
    [InlineData("type-of-exactly-thirty-two-chars", "id-of-exactly-thirty-two-chars!!")]
    [InlineData("type-of-thirty-three-chars-long!!", "id-of-thirty-three-chars-long!!!!")]
    [InlineData("a-long-type-with-an-accent-at-the-end-é", "a-long-id-with-an-emoji-at-the-end-\U0001F600")]
    [InlineData("\uD800 lone", "lone \uDFFF and a long tail past thirty-two chars")]
    public void Types_and_ids_of_every_length_and_script_are_transcoded(string type, string id)
    {
        string expected = $"event: {Replaced(type)}\nid: {Replaced(id)}\ndata: x\n\n";
        Assert.Equal(expected, Write(w => SseEncoder.WriteEvent(w, "x", type, id)));
        Assert.Equal(expected, Write(w => SseEncoder.WriteEvent(w, "x"u8, type, id)));

        // Past the 4 KiB single-span path, the header is measured exactly and written through the cursor.
        string big = new('d', 5000);
        Assert.Equal($"event: {Replaced(type)}\nid: {Replaced(id)}\ndata: {big}\n\n", Write(w => SseEncoder.WriteEvent(w, big, type, id)));

        static string Replaced(string s) => Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(s));
    }

    [Theory]
    [InlineData('t', 1350, 1370)]
    [InlineData('é', 1350, 1370)]
    [InlineData('\u20AC', 1350, 1370)]
    public void Headers_around_the_size_of_one_span_are_written_whole(char fill, int from, int to)
    {
        // A header whose largest UTF-8 size fits 4 KiB is checked as it is copied into one span; a larger one is
        // checked first and written in pieces.
        for (int length = from; length <= to; length++)
        {
            string value = new(fill, length);
            string text = Write(w => SseEncoder.WriteEvent(w, "x", eventType: value, id: "1"));
            Assert.Equal($"event: {value}\nid: 1\ndata: x\n\n", text);
            Assert.Equal($"id: {value}\ndata: x\n\n", Write(w => SseEncoder.WriteEvent(w, "x"u8, id: value)));
            Assert.Equal($"id: {value}\n\n", Write(w => SseEncoder.WriteId(w, value)));
        }
    }

    [Fact]
    public void Astral_characters_are_transcoded_intact() =>
        Assert.Equal("data: \U0001F600 é\n\n", Write(w => SseEncoder.WriteEvent(w, "\U0001F600 é")));

    [Fact]
    public void Json_is_written_compact_as_one_data_line() =>
        Assert.Equal(
            "event: p\ndata: {\"X\":1,\"Y\":2,\"Label\":\"a\\nb\"}\n\n",
            Write(w => SseEncoder.WriteEventJson(w, new Point(1, 2, "a\nb"), TestJsonContext.Default.Point, eventType: "p")));

    [Fact]
    public void Json_from_indented_options_is_still_compact() =>
        Assert.Equal(
            "data: {\"X\":1,\"Y\":2,\"Label\":\"\"}\n\n",
            Write(w => SseEncoder.WriteEventJson(w, new Point(1, 2, ""), IndentedJsonContext.Default.Point)));

    [Fact]
    public void Large_events_are_written_in_pieces_and_round_trip()
    {
        string data = string.Concat(Enumerable.Range(0, 40_000).Select(i => i % 7 == 0 ? "é\n" : "xyz"));
        var pipe = new System.IO.Pipelines.Pipe();
        SseEncoder.WriteEvent(pipe.Writer, data, id: "big");
        pipe.Writer.Complete();
        Assert.True(pipe.Reader.TryRead(out var result));
        byte[] bytes = result.Buffer.ToArray();
        Assert.Equal([new Decoded.Event("message", data, "big")], Decoded.Parse(bytes));
    }

    [Fact]
    public void Large_utf8_events_round_trip_through_a_small_segment_writer()
    {
        byte[] data = Encoding.UTF8.GetBytes(new string('a', 200_000) + "\r\n" + new string('b', 70_000));
        var buffer = new ArrayBufferWriter<byte>();
        SseEncoder.WriteEvent(buffer, data);
        Assert.Equal(
            [new Decoded.Event("message", new string('a', 200_000) + "\n" + new string('b', 70_000), "")],
            Decoded.Parse(buffer.WrittenSpan));
    }

    [Fact]
    public async Task SseWriter_flushes_each_item_by_default()
    {
        var pipe = new System.IO.Pipelines.Pipe();
        await using (var writer = new SseWriter(pipe.Writer, leaveOpen: true))
        {
            await writer.WriteEventAsync("one", eventType: "t");
            Assert.True(pipe.Reader.TryRead(out var read));
            Assert.Equal("event: t\ndata: one\n\n", Encoding.UTF8.GetString(read.Buffer.ToArray()));
            pipe.Reader.AdvanceTo(read.Buffer.End);
        }
    }

    [Fact]
    public async Task SseWriter_coalesces_within_the_delay_then_flushes()
    {
        var clock = new FakeTimeProvider();
        var pipe = new System.IO.Pipelines.Pipe();
        await using var writer = new SseWriter(pipe.Writer, SseFlushPolicy.Coalesce(TimeSpan.FromMilliseconds(100)), timeProvider: clock);
        await writer.WriteEventAsync("one");
        await writer.WriteCommentAsync("c");
        await writer.WriteIdAsync("5");
        await writer.WriteRetryAsync(TimeSpan.FromSeconds(1));
        await writer.WriteHeartbeatAsync();
        clock.Advance(TimeSpan.FromMilliseconds(99));
        Assert.False(pipe.Reader.TryRead(out _));

        // The delay is over: the timer flushes in the background, and the read waits for it.
        clock.Advance(TimeSpan.FromMilliseconds(1));
        using var timeout = new CancellationTokenSource(Eventually.HangGuard);
        var read = await pipe.Reader.ReadAsync(timeout.Token);
        Assert.Equal("data: one\n\n: c\nid: 5\n\nretry: 1000\n:\n", Encoding.UTF8.GetString(read.Buffer.ToArray()));
    }

    [Fact]
    public async Task SseWriter_flushes_at_once_past_the_byte_bound()
    {
        var pipe = new System.IO.Pipelines.Pipe();
        await using var writer = new SseWriter(pipe.Writer, SseFlushPolicy.Coalesce(TimeSpan.FromHours(1), maxBufferedBytes: 10));
        await writer.WriteEventAsync("0123456789");
        Assert.True(pipe.Reader.TryRead(out var read));
        Assert.Equal("data: 0123456789\n\n", Encoding.UTF8.GetString(read.Buffer.ToArray()));
    }

    [Fact]
    public async Task SseWriter_over_a_stream_writes_json_events()
    {
        var stream = new MemoryStream();
        await using (var writer = new SseWriter(stream, leaveOpen: true))
        {
            await writer.WriteEventJsonAsync(new Point(3, 4, "z"), TestJsonContext.Default.Point, id: "1");
            await writer.WriteEventAsync("bytes"u8.ToArray(), eventType: "b");
        }

        Assert.Equal("id: 1\ndata: {\"X\":3,\"Y\":4,\"Label\":\"z\"}\n\nevent: b\ndata: bytes\n\n", Encoding.UTF8.GetString(stream.ToArray()));
    }
}

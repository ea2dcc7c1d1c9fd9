using System.Buffers;
using System.Net.ServerSentEvents;
using SseCodec.Reference;

namespace SseCodec.Tests.Encoder;

/// <summary>Zero bytes allocated per event, for every data form.</summary>
public class EncoderAllocationTests
{
    private const int Events = 10_000;

    private static readonly byte[] Utf8Data = "{\"user\":\"ada\",\"text\":\"hello, world\",\"n\":12345}"u8.ToArray();
    private static readonly string StringData = "{\"user\":\"ada\",\"text\":\"héllo, wörld \U0001F600\",\"n\":12345}";
    private static readonly string MultiLine = "line one\r\nline two\nline three\rline four\n";
    private static readonly ReadOnlySequence<byte> Sequence = Segmenter.ToSequence(Segmenter.FixedSize("first half\r\nsecond half of the data"u8.ToArray(), 11));
    private static readonly Point Value = new(1, 2, "label");
    private static readonly SseItem<string> Item = new("item data", "t") { EventId = "5" };

    /// <summary>
    /// Warms up, then measures three rounds of <see cref="Events"/> writes and returns the least. A JIT tier-up or a
    /// one-time runtime allocation can land in one round (CI once saw 2,928 B in a single round), but an allocation
    /// per event would show in every round, at least <see cref="Events"/> bytes each time.
    /// </summary>
    private static long Measure(Action<ArrayBufferWriter<byte>> write)
    {
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        for (int i = 0; i < 2_000; i++)
        {
            write(buffer);
            buffer.ResetWrittenCount();
        }

        long least = long.MaxValue;
        for (int round = 0; round < 3; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < Events; i++)
            {
                write(buffer);
                buffer.ResetWrittenCount();
            }

            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return least;
    }

    [Fact]
    public void Utf8_span_data() => Assert.Equal(0, Measure(w => SseEncoder.WriteEvent(w, Utf8Data)));

    [Fact]
    public void Utf8_span_data_with_type_id_and_retry() =>
        Assert.Equal(0, Measure(w => SseEncoder.WriteEvent(w, Utf8Data, "update", "12345", TimeSpan.FromSeconds(3))));

    [Fact]
    public void String_data() => Assert.Equal(0, Measure(w => SseEncoder.WriteEvent(w, StringData, "update", "12345")));

    [Fact]
    public void Multi_line_string_and_utf8_data() => Assert.Equal(0, Measure(w =>
    {
        SseEncoder.WriteEvent(w, MultiLine, "t");
        SseEncoder.WriteEvent(w, "a\nb\r\nc"u8);
    }));

    [Fact]
    public void Sequence_data() => Assert.Equal(0, Measure(w => SseEncoder.WriteEvent(w, Sequence, id: "7")));

    [Fact]
    public void Json_data_with_source_generated_metadata() =>
        Assert.Equal(0, Measure(w => SseEncoder.WriteEventJson(w, Value, TestJsonContext.Default.Point, "point")));

    [Fact]
    public void Comments_heartbeats_retry_and_id_blocks() => Assert.Equal(0, Measure(w =>
    {
        SseEncoder.WriteComment(w, "keep\nalive");
        SseEncoder.WriteComment(w, "utf8"u8);
        SseEncoder.WriteHeartbeat(w);
        SseEncoder.WriteRetry(w, TimeSpan.FromSeconds(10));
        SseEncoder.WriteId(w, "99");
    }));

    [Fact]
    public void SseItem_adapter() => Assert.Equal(0, Measure(w => w.WriteSseItem(Item)));
}

using System.Buffers;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using SseCodec.Reference;

namespace SseCodec.Tests.Encoder;

/// <summary>
/// A writer that gives no more room than asked (plus a fixed slack): every item that does not fit the first span
/// continues in further ones, and every write that needs room of its own asks for it.
/// </summary>
public sealed class StingyBufferWriter(int slack) : IBufferWriter<byte>
{
    private readonly List<byte> _written = [];
    private byte[] _span = [];

    public int SpansGiven { get; private set; }

    public byte[] Written => [.. _written];

    public void Advance(int count)
    {
        Assert.InRange(count, 0, _span.Length);
        _written.AddRange(_span.AsSpan(0, count).ToArray());
        _span = [];
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        SpansGiven++;

        // Filled with a byte no event contains, so a byte advanced but never written shows.
        _span = new byte[Math.Max(sizeHint, 1) + slack];
        _span.AsSpan().Fill(0xFF);
        return _span;
    }

    public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;
}

public class SmallSpanWriterTests
{
    private static readonly Config Config = Config.QuickThrowOnFailure.WithMaxTest(200);

    private static byte[] Encode(IBufferWriter<byte> buffer, EventSpec[] events)
    {
        foreach (EventSpec e in events)
        {
            TimeSpan? retry = e.RetryMs is long ms ? TimeSpan.FromMilliseconds(ms) : null;
            byte[] utf8 = Encoding.UTF8.GetBytes(e.Data);
            SseEncoder.WriteEvent(buffer, e.Data, e.Type, e.Id, retry);
            SseEncoder.WriteEvent(buffer, utf8, e.Type, e.Id, retry);
            SseEncoder.WriteEvent(buffer, Segmenter.ToSequence(Segmenter.FixedSize(utf8, Math.Max(1, utf8.Length / 3))), e.Type, e.Id, retry);
            SseEncoder.WriteComment(buffer, e.Data);
            SseEncoder.WriteComment(buffer, utf8);
            SseEncoder.WriteEventJson(buffer, new Point(1, 2, e.Data), TestJsonContext.Default.Point, e.Type, e.Id, retry);
        }

        return buffer is ArrayBufferWriter<byte> array ? array.WrittenSpan.ToArray() : ((StingyBufferWriter)buffer).Written;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(24)]
    public void Every_form_writes_the_same_bytes_into_spans_of_the_size_asked(int slack) =>
        Check.One(Config, Prop.ForAll(EventSpecs.Events(EventSpecs.Event()), events =>
            Encode(new StingyBufferWriter(slack), events).AsSpan().SequenceEqual(Encode(new ArrayBufferWriter<byte>(), events))));

    [Fact]
    public void A_small_event_takes_one_span_and_a_large_one_spans_of_at_most_4_KiB()
    {
        var small = new StingyBufferWriter(0);
        SseEncoder.WriteEvent(small, "hello", "greeting", "1");
        Assert.Equal(1, small.SpansGiven);

        var large = new StingyBufferWriter(0);
        string data = new('x', 20_000);
        SseEncoder.WriteEvent(large, data);
        Assert.Equal($"data: {data}\n\n", Encoding.UTF8.GetString(large.Written));
        Assert.InRange(large.SpansGiven, 5, 7);
    }

    [Fact]
    public void Json_larger_than_the_first_span_is_written_whole()
    {
        string label = new string('é', 3000) + "\U0001F600";
        var stingy = new StingyBufferWriter(0);
        SseEncoder.WriteEventJson(stingy, new Point(1, 2, label), TestJsonContext.Default.Point, "p", "9");
        var expected = new ArrayBufferWriter<byte>();
        SseEncoder.WriteEventJson(expected, new Point(1, 2, label), TestJsonContext.Default.Point, "p", "9");
        Assert.Equal(expected.WrittenSpan.ToArray(), stingy.Written);
        Assert.Equal(
            [new Decoded.Event("p", System.Text.Json.JsonSerializer.Serialize(new Point(1, 2, label), TestJsonContext.Default.Point), "9")],
            Decoded.Parse(stingy.Written));
    }
}

using System.Buffers;
using System.Text;

namespace SseCodec.Tests;

public class SmokeTests
{
    private static List<(string Type, string Data, string Id)> ParseAll(string text, int segment)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        using var decoder = new SseDecoder();
        var events = new List<(string, string, string)>();
        for (int offset = 0; offset < bytes.Length; offset += segment)
        {
            ReadOnlySequence<byte> chunk = new(bytes, offset, Math.Min(segment, bytes.Length - offset));
            while (decoder.TryReadEvent(ref chunk, out SseEvent e))
            {
                events.Add((e.EventType, e.GetDataString(), e.LastEventId));
            }
        }

        decoder.Complete();
        return events;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(1000)]
    public void Parses_the_spec_examples(int segment)
    {
        var events = ParseAll("\uFEFFdata: first\n\nevent: add\r\ndata: 1\rdata: 2\r\n\r\nid: 7\n: c\ndata\n\ndata: x", segment);
        Assert.Equal(
            [("message", "first", ""), ("add", "1\n2", ""), ("message", "", "7")],
            events);
    }
}

using System.Globalization;
using System.Text;

namespace SseCodec.Benchmarks;

/// <summary>The event streams the parser benchmarks read, generated deterministically.</summary>
public static class Inputs
{
    public const int SmallEventCount = 10_000;

    /// <summary>A stream of <paramref name="count"/> events of the given shape.</summary>
    public static byte[] Stream(Shape shape, int count = SmallEventCount)
    {
        var text = new StringBuilder(count * 128);
        for (int i = 0; i < count; i++)
        {
            string n = i.ToString(CultureInfo.InvariantCulture);
            switch (shape)
            {
                case Shape.LlmTokens:
                    // An OpenAI-style chat completion chunk: about 100 bytes of JSON data per event.
                    text.Append("data: {\"id\":\"chatcmpl-7QyqpwdfhqwajicIEznoc6Q47XAyW\",\"choices\":[{\"delta\":{\"content\":\" tok")
                        .Append(n).Append("\"},\"index\":0}]}\n\n");
                    break;
                case Shape.Ticker:
                    text.Append("event: ").Append((i & 3) == 0 ? "trade" : "quote").Append("\nid: ").Append(n)
                        .Append("\ndata: {\"s\":\"MSFT\",\"p\":").Append(400 + (i % 97)).Append(".25,\"v\":1200}\n\n");
                    break;
                case Shape.MultiLine:
                    for (int line = 0; line < 10; line++)
                    {
                        text.Append("data: line ").Append(line).Append(" of event ").Append(n).Append('\n');
                    }

                    text.Append('\n');
                    break;
                case Shape.Crlf:
                    text.Append("event: quote\r\nid: ").Append(n).Append("\r\ndata: {\"s\":\"MSFT\",\"p\":").Append(400 + (i % 97))
                        .Append(".25,\"v\":1200}\r\n\r\n");
                    break;
                case Shape.Heartbeats:
                    text.Append(": ping\n");
                    text.Append("data: {\"id\":\"chatcmpl-7QyqpwdfhqwajicIEznoc6Q47XAyW\",\"choices\":[{\"delta\":{\"content\":\" tok")
                        .Append(n).Append("\"},\"index\":0}]}\n\n");
                    break;
            }
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>Events whose data is one line of <paramref name="dataLength"/> bytes.</summary>
    public static byte[] LargeLines(int dataLength, int count)
    {
        var bytes = new List<byte>((dataLength + 16) * count);
        byte[] payload = new byte[dataLength];
        for (int i = 0; i < payload.Length; i++)
        {
            payload[i] = (byte)('a' + (i % 26));
        }

        for (int i = 0; i < count; i++)
        {
            bytes.AddRange("data: "u8.ToArray());
            bytes.AddRange(payload);
            bytes.AddRange("\n\n"u8.ToArray());
        }

        return bytes.ToArray();
    }
}

public enum Shape
{
    LlmTokens,
    Ticker,
    MultiLine,
    Crlf,
    Heartbeats,
}

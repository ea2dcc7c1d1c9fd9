using System.Buffers;
using System.Text;
using SseCodec.Reference;

namespace SseCodec.Tests.Encoder;

/// <summary>What our parser makes of a stream: its items in order, as comparable records.</summary>
public static class Decoded
{
    public abstract record Item;

    public sealed record Event(string Type, string Data, string Id) : Item;

    public sealed record Retry(long Milliseconds) : Item;

    public sealed record Comment(string Text) : Item;

    /// <summary>Parses <paramref name="bytes"/> fed in pieces of <paramref name="segment"/> bytes.</summary>
    public static List<Item> Parse(ReadOnlySpan<byte> bytes, int segment = int.MaxValue)
    {
        using var decoder = new SseDecoder();
        var items = new List<Item>();
        for (int offset = 0; offset < bytes.Length; offset += segment)
        {
            Feed(decoder, bytes.Slice(offset, Math.Min(segment, bytes.Length - offset)), items);
        }

        decoder.Complete();
        return items;
    }

    /// <summary>Parses <paramref name="bytes"/> split into two pieces at <paramref name="split"/>.</summary>
    public static List<Item> ParseSplit(ReadOnlySpan<byte> bytes, int split)
    {
        using var decoder = new SseDecoder();
        var items = new List<Item>();
        Feed(decoder, bytes.Slice(0, split), items);
        Feed(decoder, bytes.Slice(split), items);
        decoder.Complete();
        return items;
    }

    /// <summary>Parses <paramref name="bytes"/> as a multi-segment sequence of segments of <paramref name="segment"/> bytes.</summary>
    public static List<Item> ParseSequence(byte[] bytes, int segment)
    {
        using var decoder = new SseDecoder();
        var items = new List<Item>();
        ReadOnlySequence<byte> sequence = Segmenter.ToSequence(Segmenter.FixedSize(bytes, segment));
        while (true)
        {
            SseItemKind kind = decoder.ReadItem(ref sequence);
            if (kind == SseItemKind.None)
            {
                break;
            }

            items.Add(Current(decoder, kind));
        }

        decoder.Complete();
        return items;
    }

    public static List<Item> Events(this List<Item> items) => items.Where(i => i is Event).ToList();

    private static void Feed(SseDecoder decoder, ReadOnlySpan<byte> chunk, List<Item> items)
    {
        while (!chunk.IsEmpty)
        {
            SseItemKind kind = decoder.ReadItem(chunk, out int consumed);
            chunk = chunk.Slice(consumed);
            if (kind != SseItemKind.None)
            {
                items.Add(Current(decoder, kind));
            }
        }
    }

    private static Item Current(SseDecoder decoder, SseItemKind kind) => kind switch
    {
        SseItemKind.Event => new Event(decoder.CurrentEvent.EventType, decoder.CurrentEvent.GetDataString(), decoder.CurrentEvent.LastEventId),
        SseItemKind.Comment => new Comment(Encoding.UTF8.GetString(decoder.CurrentComment)),
        SseItemKind.ReconnectionTime => new Retry((long)decoder.ReconnectionTime!.Value.TotalMilliseconds),
        _ => throw new InvalidOperationException(),
    };
}

using System.Text;

namespace SseCodec.Tests.Parser;

/// <summary>
/// The event type across the decoder's two type slots (the dispatched type's and a spare, which trade roles when a new
/// type is dispatched): types that repeat, alternate, come back after a third, or differ from the one before in a
/// single byte, at every length around 16 bytes, split at every offset, as spans and as memory.
/// </summary>
public class EventTypeTests
{
    public static TheoryData<int> Lengths() => new(Enumerable.Range(1, 40));

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Types_that_repeat_alternate_and_come_back_are_each_events_own(int length)
    {
        string a = new('a', length);
        string b = new('b', length);
        string c = new('c', length);

        // Spec: "Initialize event's type attribute to "message" ... If the event type buffer has a value other than the
        // empty string, change the type of the newly created event to equal the value of the event type buffer."
        string?[] types = [a, a, b, a, b, c, a, null, a, c, c, b];
        Assert.Equal(types.Select(t => t ?? "message"), ReadTypesEverySplit(Stream(types)));
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void A_type_that_differs_from_the_last_two_in_one_byte_is_its_own(int length)
    {
        for (int position = 0; position < length; position++)
        {
            // The third type differs in one byte from the dispatched type and from the one in the spare slot.
            string last = new('a', length);
            string spare = string.Concat(last.AsSpan(0, position), "c", last.AsSpan(position + 1));
            string next = string.Concat(last.AsSpan(0, position), "b", last.AsSpan(position + 1));
            string[] types = [spare, last, next, spare, last];
            Assert.Equal(types, ReadTypesEverySplit(Stream(types)));
        }
    }

    [Fact]
    public void A_repeated_or_alternating_type_keeps_its_string()
    {
        using var decoder = new SseDecoder();
        byte[] bytes = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("event: trade\ndata: 1\n\nevent: quote\ndata: 2\n\n", 3)));
        var strings = new List<string>();
        int offset = 0;
        while (decoder.TryReadEvent(bytes.AsSpan(offset), out int consumed, out SseEvent e))
        {
            offset += consumed;
            strings.Add(e.EventType);
        }

        Assert.Equal(6, strings.Count);
        Assert.All(strings.Where((_, i) => i % 2 == 0), s => Assert.Same(strings[0], s));
        Assert.All(strings.Where((_, i) => i % 2 == 1), s => Assert.Same(strings[1], s));
    }

    /// <summary>One event per type (none for null), each type line followed by an unrelated line.</summary>
    private static byte[] Stream(string?[] types) =>
        Encoding.UTF8.GetBytes(string.Concat(types.Select((t, i) => (t is null ? "" : $"event: {t}\n") + $"id: {i}\ndata: {i}\n\n")));

    /// <summary>Each event's type, the stream given whole and split in two at every offset, as spans and as memory.</summary>
    private static string[] ReadTypesEverySplit(byte[] bytes) => SplitReads.EverySplit(bytes, (_, e) =>
    {
        // The bytes and the string agree, whichever is read first.
        string fromBytes = Encoding.UTF8.GetString(e.EventTypeUtf8);
        Assert.Equal(fromBytes, e.EventType);
        return fromBytes;
    });
}

using System.Text;

namespace SseCodec.Tests.Parser;

/// <summary>
/// The id field at every length around the decoder's short-ID paths (an ID of up to 16 bytes is checked, compared and
/// copied as one vector where 16 bytes of the chunk follow its start, else byte by byte; longer ones by the vectorized
/// routines), with and without a NUL at every position, committed from the input chunk or from the ID buffer when the
/// chunk ends before the event does.
/// </summary>
public class LastEventIdTests
{
    public static TheoryData<int> Lengths() => new(Enumerable.Range(0, 41));

    [Theory]
    [MemberData(nameof(Lengths))]
    public void An_id_is_taken_unless_it_holds_a_NUL(int length)
    {
        string id = new string('7', length);
        Assert.Equal(["first", id], ReadIdsEverySplit(Stream("first", id)));

        for (int nul = 0; nul < length; nul++)
        {
            // Spec: "If the field value does not contain U+0000 NULL, then set the last event ID buffer to the field
            // value. Otherwise, ignore the field." The first event's ID stays.
            string withNul = string.Concat(id.AsSpan(0, nul), "\0", id.AsSpan(nul + 1));
            Assert.Equal(["first", "first"], ReadIdsEverySplit(Stream("first", withNul)));
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void An_id_that_differs_from_the_last_in_one_byte_replaces_it(int length)
    {
        for (int position = 0; position < length; position++)
        {
            string last = new string('a', length);
            string next = string.Concat(last.AsSpan(0, position), "b", last.AsSpan(position + 1));
            Assert.Equal([last, next], ReadIdsEverySplit(Stream(last, next)));
        }
    }

    [Fact]
    public void A_repeated_id_keeps_its_string()
    {
        using var decoder = new SseDecoder();
        byte[] bytes = Encoding.UTF8.GetBytes("id: 12345\ndata: a\n\nid: 12345\ndata: b\n\n");
        Assert.True(decoder.TryReadEvent(bytes, out int consumed, out _));
        string first = decoder.LastEventId;
        Assert.True(decoder.TryReadEvent(bytes.AsSpan(consumed), out _, out _));
        Assert.Same(first, decoder.LastEventId);
    }

    /// <summary>Two events: one with <paramref name="first"/> as its ID, then one with <paramref name="second"/>; each ends in an unrelated line first.</summary>
    private static byte[] Stream(string first, string second) =>
        Encoding.UTF8.GetBytes($"id: {first}\ndata: one\n\nid: {second}\nevent: t\ndata: two\n\n");

    /// <summary>The last event ID after each of the two events, the stream given whole and split in two at every offset, as spans and as memory.</summary>
    private static string[] ReadIdsEverySplit(byte[] bytes) => SplitReads.EverySplit(bytes, (decoder, _) => decoder.LastEventId);
}

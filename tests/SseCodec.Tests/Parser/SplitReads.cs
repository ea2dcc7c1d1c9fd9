namespace SseCodec.Tests.Parser;

/// <summary>
/// Reads a stream through <see cref="SseDecoder.TryReadEvent(ReadOnlySpan{byte}, out int, out SseEvent)"/> and its
/// memory overload whole and split in two at every offset, and records one observation per event: for state the
/// decoder keeps across chunks (the last event ID, the event type's buffers).
/// </summary>
internal static class SplitReads
{
    /// <summary>
    /// What <paramref name="observe"/> saw at each event, the stream given whole; given split in two at every offset,
    /// as spans and as memory, it must see the same.
    /// </summary>
    public static string[] EverySplit(byte[] bytes, Func<SseDecoder, SseEvent, string> observe)
    {
        string[] whole = Read(bytes, [bytes.Length], asMemory: false, observe);
        for (int split = 0; split <= bytes.Length; split++)
        {
            Assert.Equal(whole, Read(bytes, [split, bytes.Length - split], asMemory: false, observe));
            Assert.Equal(whole, Read(bytes, [split, bytes.Length - split], asMemory: true, observe));
        }

        return whole;
    }

    private static string[] Read(byte[] bytes, int[] pieces, bool asMemory, Func<SseDecoder, SseEvent, string> observe)
    {
        using var decoder = new SseDecoder();
        var seen = new List<string>();
        int offset = 0;
        foreach (int piece in pieces)
        {
            // Each piece in an array of its own, overwritten after the reads, as a caller that reuses its buffer does.
            byte[] chunk = bytes.AsSpan(offset, piece).ToArray();
            offset += piece;
            int start = 0;
            while (true)
            {
                bool read = asMemory
                    ? decoder.TryReadEvent(chunk.AsMemory(start), out int consumed, out SseEvent e)
                    : decoder.TryReadEvent(chunk.AsSpan(start), out consumed, out e);
                start += consumed;
                if (!read)
                {
                    break;
                }

                seen.Add(observe(decoder, e));
            }

            chunk.AsSpan().Fill((byte)'X');
        }

        return [.. seen];
    }
}

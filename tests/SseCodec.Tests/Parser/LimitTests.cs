using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using SseCodec.Reference;

namespace SseCodec.Tests.Parser;

/// <summary>
/// Bad input gets a clear error and loses nothing: limits are checked before memory grows, the exception names the
/// limit and the byte offset, every event before the offending byte is delivered, and nothing is delivered after it.
/// </summary>
public class LimitTests
{
    [Fact]
    public void A_line_with_no_end_stops_at_the_limit_with_memory_bounded()
    {
        var pool = new CountingArrayPool();
        var options = new SseParserOptions { MaxLineLength = 1 << 20, BufferPool = pool };
        using var decoder = new SseDecoder(options);
        byte[] chunk = new byte[64 * 1024];
        chunk.AsSpan().Fill((byte)'a');
        byte[] prefix = Encoding.UTF8.GetBytes("data: ok\n\n");

        Assert.True(decoder.TryReadEvent(prefix, out int consumed, out SseEvent first));
        Assert.Equal("ok", first.GetDataString());
        Assert.False(decoder.TryReadEvent(prefix.AsSpan(consumed), out _, out _));

        // Feed up to 1 GiB of one endless line; the decoder must give up at the limit, long before that.
        long fed = 0;
        var error = Assert.Throws<SseLimitExceededException>(() =>
        {
            while (fed < (1L << 30))
            {
                decoder.TryReadEvent(chunk, out _, out _);
                fed += chunk.Length;
            }
        });

        Assert.Equal("MaxLineLength", error.LimitName);
        Assert.Equal(1 << 20, error.Limit);
        Assert.Equal(prefix.Length + (1L << 20), error.ByteOffset);
        Assert.Contains("MaxLineLength", error.Message);
        Assert.Contains((prefix.Length + (1L << 20)).ToString(), error.Message);
        Assert.True(fed <= (1 << 20) + chunk.Length, $"fed {fed} bytes before the error");
        Assert.InRange(pool.PeakBytes, 0, 3L << 20);
    }

    [Fact]
    public async Task SseReader_over_an_endless_line_throws_with_memory_bounded()
    {
        var pool = new CountingArrayPool();
        var options = new SseParserOptions { MaxLineLength = 256 * 1024, BufferPool = pool };
        var endless = ChunkedReadStream.Endless("x"u8.ToArray());
        await using var reader = new SseReader(endless, options);

        var error = await Assert.ThrowsAsync<SseLimitExceededException>(async () => await reader.ReadAsync());

        Assert.Equal(256 * 1024, error.ByteOffset);
        Assert.InRange(endless.BytesRead, 256 * 1024, (256 * 1024) + (64 * 1024));
        Assert.InRange(pool.PeakBytes, 0, 1L << 20);
    }

    [Fact]
    public void Event_size_limit_counts_data_and_joining_line_feeds()
    {
        var options = new SseParserOptions { MaxEventSize = 10 };
        byte[] fits = Encoding.UTF8.GetBytes("data: 1234\ndata: 12345\n\n"); // 4 + 1 + 5 = 10 bytes
        using (var decoder = new SseDecoder(options))
        {
            Assert.True(decoder.TryReadEvent(fits, out _, out SseEvent e));
            Assert.Equal("1234\n12345", e.GetDataString());
        }

        byte[] over = Encoding.UTF8.GetBytes("data: ok\n\ndata: 1234\ndata: 123456\n\n"); // 4 + 1 + 6 = 11 bytes
        using (var decoder = new SseDecoder(options))
        {
            Assert.True(decoder.TryReadEvent(over, out int consumed, out SseEvent e));
            Assert.Equal("ok", e.GetDataString());
            var error = Assert.Throws<SseLimitExceededException>(() => decoder.TryReadEvent(over.AsSpan(consumed), out _, out _));
            Assert.Equal("MaxEventSize", error.LimitName);
            Assert.Equal(10, error.Limit);

            // The first byte beyond the limit: the sixth byte of "123456", at offset 10 + 11 + 6 + 5.
            Assert.Equal(32, error.ByteOffset);
        }
    }

    [Fact]
    public void A_line_exactly_at_the_limit_is_accepted()
    {
        var options = new SseParserOptions { MaxLineLength = 10 };
        byte[] bytes = Encoding.UTF8.GetBytes("data: 1234\r\n\r\n"); // the line is 10 bytes
        foreach (int split in Enumerable.Range(0, bytes.Length + 1))
        {
            using var decoder = new SseDecoder(options);
            var events = ReadAllSplit(decoder, bytes, split);
            Assert.Equal(["1234"], events);
        }
    }

    [Fact]
    public void The_error_offset_is_the_same_whatever_the_segmentation()
    {
        var options = new SseParserOptions { MaxLineLength = 12 };
        byte[] bytes = Encoding.UTF8.GetBytes("data: a\n\nid: 1\ndata: 0123456789\n\ndata: never\n\n");
        for (int split = 0; split <= bytes.Length; split++)
        {
            using var decoder = new SseDecoder(options);
            var delivered = new List<string>();
            var error = Assert.Throws<SseLimitExceededException>(() => ReadAllSplit(decoder, bytes, split, delivered));
            Assert.Equal(["a"], delivered);
            Assert.Equal(15 + 12, error.ByteOffset); // the line "data: 0123456789" starts at offset 15
        }

        using var trickle = new SseDecoder(options);
        var oneByOne = new List<string>();
        Assert.Throws<SseLimitExceededException>(() =>
        {
            foreach (byte b in bytes)
            {
                ReadOnlySequence<byte> one = new(new[] { b });
                while (trickle.TryReadEvent(ref one, out SseEvent e))
                {
                    oneByOne.Add(e.GetDataString());
                }
            }
        });
        Assert.Equal(["a"], oneByOne);
    }

    [Fact]
    public void A_line_whose_end_lies_far_past_the_limit_in_the_same_chunk_is_rejected_at_the_limit()
    {
        // The line's end is found past the blocks the scanner compares first (by the plain search), far beyond the limit:
        // the line is rejected all the same, at the offset where it broke the limit, whole or split anywhere.
        var options = new SseParserOptions { MaxLineLength = 100 };
        byte[] bytes = Encoding.UTF8.GetBytes("data: a\n\ndata: " + new string('x', 1000) + "\n\ndata: never\n\n");
        for (int split = 0; split <= bytes.Length; split += 7)
        {
            using var decoder = new SseDecoder(options);
            var delivered = new List<string>();
            var error = Assert.Throws<SseLimitExceededException>(() => ReadAllSplit(decoder, bytes, split, delivered));
            Assert.Equal(["a"], delivered);
            Assert.Equal(9 + 100, error.ByteOffset); // the long line starts at offset 9
        }
    }

    [Fact]
    public void After_a_limit_error_the_decoder_refuses_to_go_on()
    {
        using var decoder = new SseDecoder(new SseParserOptions { MaxLineLength = 4 });
        Assert.Throws<SseLimitExceededException>(() => decoder.TryReadEvent(Encoding.UTF8.GetBytes("data: long\n"), out _, out _));
        var refused = Assert.Throws<InvalidOperationException>(() => decoder.TryReadEvent(Encoding.UTF8.GetBytes("\n"), out _, out _));
        Assert.IsType<SseLimitExceededException>(refused.InnerException);
    }

    [Fact]
    public void A_byte_order_mark_counts_toward_offsets()
    {
        using var decoder = new SseDecoder(new SseParserOptions { MaxLineLength = 3 });
        var error = Assert.Throws<SseLimitExceededException>(() => decoder.TryReadEvent(Encoding.UTF8.GetBytes("\uFEFFdata\n"), out _, out _));
        Assert.Equal(3 + 3, error.ByteOffset);
    }

    [Fact]
    public void Options_reject_nonpositive_limits()
    {
        var options = new SseParserOptions();
        Assert.Throws<ArgumentOutOfRangeException>(() => options.MaxLineLength = 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.MaxEventSize = -1);
    }

    private static List<string> ReadAllSplit(SseDecoder decoder, byte[] bytes, int split, List<string>? delivered = null)
    {
        delivered ??= [];
        foreach (ReadOnlyMemory<byte> part in new[] { bytes.AsMemory(0, split), bytes.AsMemory(split) })
        {
            ReadOnlySequence<byte> input = new(part);
            while (decoder.TryReadEvent(ref input, out SseEvent e))
            {
                delivered.Add(e.GetDataString());
            }
        }

        decoder.Complete();
        return delivered;
    }
}

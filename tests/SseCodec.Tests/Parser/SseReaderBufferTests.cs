using System.Diagnostics;
using System.IO.Pipelines;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using SseCodec.Reference;
using SseCodec.Tests.Infrastructure;
using SseCodec.Tests.Properties;

namespace SseCodec.Tests.Parser;

/// <summary>
/// <see cref="SseReader"/> over a <see cref="Stream"/> reads into a pooled buffer of its own (16 KiB to start), parses
/// events where they lie, keeps a line whose end has not arrived at the front of the buffer, and grows the buffer (never
/// past the line limit and one byte) when one line fills it. These tests drive that through the public API only, over
/// streams that return at most N bytes per read (1, 7, 4096, 16384, unlimited), completing synchronously or not, with
/// lines around the buffer's size and far beyond it.
/// </summary>
public class SseReaderBufferTests
{
    // The reader's first buffer. Not visible from outside; the sizes below are chosen around it.
    private const int ReaderBuffer = 16 * 1024;
    private const int Unlimited = ChunkedReadStream.Unlimited;
    private static readonly int[] ReadSizes = [1, 7, 4096, 16384, Unlimited];
    private static readonly bool[] Completions = [false, true];

    // ---------------------------------------------------------------------------------------------------------------
    // Lines longer than the buffer
    // ---------------------------------------------------------------------------------------------------------------

    public static TheoryData<int, int, bool> DataLineCases() =>
        Cases([ReaderBuffer - 1, ReaderBuffer, ReaderBuffer + 1, 100 * 1024], ReadSizes);

    [Theory]
    [MemberData(nameof(DataLineCases))]
    public async Task A_data_line_around_or_beyond_the_buffer_size_arrives_exactly(int lineLength, int readSize, bool async)
    {
        byte[] payload = Payload(lineLength - "data: ".Length, seed: lineLength);
        byte[] input = Bytes("data: before\n\nid: 1\ndata: ", payload, "\n\nevent: after\ndata: after\n\n");
        var pool = new RecordingArrayPool();
        var stream = new ChunkedReadStream(input, readSize, async);
        var reader = new SseReader(stream, new SseParserOptions { BufferPool = pool });

        List<Item> events = await ReadAllAsync(reader, items: false);

        AssertItems([Item.Event("before"), Item.Event(Latin1(payload), id: "1"), Item.Event("after", "after", "1")], events, "events");
        Assert.Equal("1", reader.LastEventId);
        Assert.Equal(input.Length, reader.BytesConsumed);
        reader.Dispose();
        Assert.Equal(0, pool.Outstanding);
    }

    [Theory]
    [InlineData(7, false)]
    [InlineData(4096, true)]
    [InlineData(16384, true)]
    [InlineData(Unlimited, false)]
    [InlineData(Unlimited, true)]
    public async Task A_5_MiB_data_line_arrives_exactly_with_raised_limits(int readSize, bool async)
    {
        const int lineLength = 5 << 20;
        const int limit = 6 << 20;
        byte[] payload = Payload(lineLength - "data: ".Length, seed: 5);
        byte[] input = Bytes("id: a\ndata: before\n\ndata: ", payload, "\r\n\r\nid: b\ndata: after\n\n");
        var pool = new RecordingArrayPool();
        var stream = new ChunkedReadStream(input, readSize, async);
        var reader = new SseReader(stream, new SseParserOptions { MaxLineLength = limit, MaxEventSize = limit, BufferPool = pool });

        Assert.True(await reader.ReadAsync());
        Assert.Equal("before", reader.Current.GetDataString());
        Assert.True(await reader.ReadAsync());
        Assert.Equal(payload.Length, reader.Current.DataLength);
        Assert.True(reader.Current.Data.SequenceEqual(payload), "the 5 MiB data differs from what was sent");
        Assert.Equal("a", reader.Current.LastEventId);
        Assert.True(await reader.ReadAsync());
        Assert.Equal("after", reader.Current.GetDataString());
        Assert.Equal("b", reader.Current.LastEventId);
        Assert.False(await reader.ReadAsync());

        // The line was held whole (it needs more than lineLength bytes), and no buffer went past the limit and one byte.
        Assert.InRange(pool.LargestRent, lineLength + 1, limit + 1);
        reader.Dispose();
        Assert.Equal(0, pool.Outstanding);
    }

    public static TheoryData<int, int, bool> FieldLineCases() =>
        Cases([ReaderBuffer, ReaderBuffer + 1, 40 * 1024], ReadSizes);

    [Theory]
    [MemberData(nameof(FieldLineCases))]
    public async Task Event_type_id_and_retry_lines_longer_than_the_buffer_work(int lineLength, int readSize, bool async)
    {
        string type = Ascii(lineLength - "event: ".Length, seed: 1);
        string id = Ascii(lineLength - "id: ".Length, seed: 2);

        // Spec: retry "consists of only ASCII digits ... interpret the field value as an integer in base ten": leading
        // zeros make it as long as needed. A long value with one non-digit is ignored.
        string retry = new string('0', lineLength - "retry: ".Length - 4) + "2500";
        string badRetry = new string('0', lineLength - "retry: ".Length - 1) + "x";
        byte[] input = Bytes(
            "event: ", type, "\ndata: typed\n\n",
            "data: untyped\n\n",
            "id: ", id, "\ndata: with id\n\n",
            "data: id kept\n\n",
            "retry: ", retry, "\n",
            "retry: ", badRetry, "\n",
            "id\ndata: id cleared\n\n");

        Item[] expected =
        [
            Item.Event("typed", type),
            Item.Event("untyped"),
            Item.Event("with id", id: id),
            Item.Event("id kept", id: id),
            Item.Retry(2500),
            Item.Event("id cleared"),
        ];

        var pool = new RecordingArrayPool();
        var options = new SseParserOptions { BufferPool = pool };
        using (var reader = new SseReader(new ChunkedReadStream(input, readSize, async), options))
        {
            AssertItems(expected, await ReadAllAsync(reader, items: true), "items");
            Assert.Equal(TimeSpan.FromMilliseconds(2500), reader.ReconnectionTime);
        }

        // Events only: the retry fields are processed all the same. (Synchronous reads suffice: what is skipped does not
        // depend on how reads complete.)
        using (var reader = new SseReader(new ChunkedReadStream(input, readSize, completeAsynchronously: false), options))
        {
            AssertItems(expected.Where(i => i.Kind == SseItemKind.Event).ToArray(), await ReadAllAsync(reader, items: false), "events");
            Assert.Equal(TimeSpan.FromMilliseconds(2500), reader.ReconnectionTime);
        }

        Assert.Equal(0, pool.Outstanding);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Zero copy
    // ---------------------------------------------------------------------------------------------------------------

    public static TheoryData<int, int, bool> ZeroCopyCases() => Cases([ReaderBuffer + 1, 100 * 1024], ReadSizes);

    [Theory]
    [MemberData(nameof(ZeroCopyCases))]
    public async Task A_single_line_event_larger_than_the_buffer_is_a_slice_of_the_pooled_buffer(int lineLength, int readSize, bool async)
    {
        byte[] before = Bytes("data: before\n\n");
        byte[] payload = Payload(lineLength - "data: ".Length, seed: 3);
        byte[] input = Bytes(before, "data: ", payload, "\n\ndata: after\n\n");
        var pool = new RecordingArrayPool();
        var stream = new ChunkedReadStream(input, readSize, async);
        var reader = new SseReader(stream, new SseParserOptions { BufferPool = pool });

        Assert.True(await reader.ReadAsync());
        Assert.True(await reader.ReadAsync());
        SseEvent big = reader.Current;
        Assert.True(big.Data.SequenceEqual(payload), "the data differs from what was sent");
        Assert.True(MemoryMarshal.TryGetArray(big.DataMemory, out ArraySegment<byte> lies));
        Assert.True(pool.IsOut(lies.Array), "the data lies in an array rented from the options' BufferPool");

        // When the line's LF and the blank line's LF came in one read, the event was whole in the reader's buffer: its
        // data must be where the stream wrote it. (A read that ends between them leaves the data to be copied.)
        int lineEnd = before.Length + "data: ".Length + payload.Length;
        bool wholeInOneRead = stream.DeliveredInOneRead(lineEnd, lineEnd + 2);
        if (readSize == Unlimited)
        {
            Assert.True(wholeInOneRead, "set-up: a stream that fills the buffer delivers the event's end in one read");
        }

        if (wholeInOneRead)
        {
            Assert.True(stream.Filled(lies.Array), "the data was copied out of the buffer the stream read into");
        }

        Assert.True(await reader.ReadAsync());
        Assert.Equal("after", reader.Current.GetDataString());
        Assert.False(await reader.ReadAsync());
        reader.Dispose();
        Assert.Equal(0, pool.Outstanding);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The line limit with buffer growth
    // ---------------------------------------------------------------------------------------------------------------

    public static TheoryData<int, int, bool> LimitCases() =>
        Cases([ReaderBuffer - 1, ReaderBuffer, ReaderBuffer + 1, 40 * 1024], ReadSizes);

    [Theory]
    [MemberData(nameof(LimitCases))]
    public async Task A_line_of_the_limit_passes_and_one_byte_more_fails_where_the_decoder_fails(int limit, int readSize, bool async)
    {
        byte[] atLimit = Bytes("data: ", Payload(limit - "data: ".Length, seed: 4));
        byte[] overLimit = Bytes("data: ", Payload(limit + 1 - "data: ".Length, seed: 5));
        byte[] head = Bytes("data: a\n\nid: 7\ndata: b\n\n", atLimit, "\r\n\r\ndata: c\n\n");
        byte[] input = Bytes(head, overLimit, "\n\ndata: never\n\n");
        var pool = new RecordingArrayPool();
        var options = new SseParserOptions { MaxLineLength = limit, MaxEventSize = limit, BufferPool = pool };

        Item[] expected = [Item.Event("a"), Item.Event("b", id: "7"), Item.Event(Latin1(atLimit.AsSpan(6)), id: "7"), Item.Event("c", id: "7")];
        var spanDelivered = new List<Item>();
        var spanOptions = new SseParserOptions { MaxLineLength = limit, MaxEventSize = limit };
        var spanError = Assert.Throws<SseLimitExceededException>(() => DecodeWhole(input, items: false, spanOptions, spanDelivered));
        AssertItems(expected, spanDelivered, "SseDecoder over the span");
        Assert.Equal(head.Length + limit, spanError.ByteOffset);

        var stream = new ChunkedReadStream(input, readSize, async);
        var reader = new SseReader(stream, options);
        var delivered = new List<Item>();
        var error = await Assert.ThrowsAsync<SseLimitExceededException>(() => ReadAllAsync(reader, items: false, delivered));

        Assert.Equal("MaxLineLength", error.LimitName);
        Assert.Equal(limit, error.Limit);
        Assert.Equal(spanError.ByteOffset, error.ByteOffset);
        AssertItems(expected, delivered, "SseReader");
        Assert.Equal("7", reader.LastEventId);

        // No buffer grew past the limit and one byte (the reader's first buffer is 16 KiB whatever the limit).
        Assert.InRange(pool.LargestRent, 1, Math.Max(ReaderBuffer, limit + 1));
        reader.Dispose();
        Assert.Equal(0, pool.Outstanding);
    }

    public static TheoryData<int, int, bool> EventSizeCases() =>
        Cases([ReaderBuffer - 1, ReaderBuffer + 1, 40 * 1024], ReadSizes);

    [Theory]
    [MemberData(nameof(EventSizeCases))]
    public async Task An_event_of_the_size_limit_passes_and_one_byte_more_fails_where_the_decoder_fails(int limit, int readSize, bool async)
    {
        // MaxEventSize counts the values of the data lines and the LFs that join them.
        byte[] first = Payload(limit / 2, seed: 16);
        byte[] second = Payload(limit - first.Length - 1, seed: 17);
        byte[] head = Bytes("data: a\n\ndata: ", first, "\ndata: ", second, "\n\ndata: c\n\n");
        byte[][] overs =
        [
            Bytes("data: ", first, "\ndata: ", second, "x\n\n"),
            Bytes("data: ", Payload(limit + 1, seed: 18), "\n\n"),
        ];
        Item[] expected = [Item.Event("a"), Item.Event(Latin1(Bytes(first, "\n", second))), Item.Event("c")];
        foreach (byte[] over in overs)
        {
            byte[] input = Bytes(head, over, "data: never\n\n");
            var pool = new RecordingArrayPool();
            var options = new SseParserOptions { MaxEventSize = limit, BufferPool = pool };
            var spanDelivered = new List<Item>();
            var spanError = Assert.Throws<SseLimitExceededException>(() => DecodeWhole(input, items: false, options, spanDelivered));
            AssertItems(expected, spanDelivered, "SseDecoder over the span");

            var reader = new SseReader(new ChunkedReadStream(input, readSize, async), options);
            var delivered = new List<Item>();
            var error = await Assert.ThrowsAsync<SseLimitExceededException>(() => ReadAllAsync(reader, items: false, delivered));
            Assert.Equal("MaxEventSize", error.LimitName);
            Assert.Equal(limit, error.Limit);
            Assert.Equal(spanError.ByteOffset, error.ByteOffset);
            AssertItems(expected, delivered, "SseReader");
            reader.Dispose();
            Assert.Equal(0, pool.Outstanding);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Line endings and the BOM across reads
    // ---------------------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CR_at_the_end_of_one_read_and_LF_at_the_start_of_the_next_are_one_line_ending(bool async)
    {
        // Spec: lines end with "a U+000D CARRIAGE RETURN U+000A LINE FEED (CRLF) character pair, a single U+000A LINE FEED
        // (LF) character not preceded by a U+000D CARRIAGE RETURN (CR) character, and a single U+000D CARRIAGE RETURN (CR)
        // character not followed by a U+000A LINE FEED (LF) character".
        byte[] input = Bytes("data: a\r\ndata: b\r\n\r\nid: 1\rdata: c\r\r\ndata: d\n\r\ndata: e\r\r");
        Item[] expected = [Item.Event("a\nb"), Item.Event("c", id: "1"), Item.Event("d", id: "1"), Item.Event("e", id: "1")];
        IEnumerable<Segmentation> segmentations =
            Segmenter.Standard(input).Concat([Segmenter.FixedSize(input, 2), Segmenter.FixedSize(input, 3)]);
        foreach (Segmentation segmentation in segmentations)
        {
            using var reader = new SseReader(new ChunkedReadStream(segmentation, Unlimited, async));
            AssertItems(expected, await ReadAllAsync(reader, items: true), segmentation.Name);
        }
    }

    public static TheoryData<int, int, bool> CrlfAtBufferEndCases() =>
        Cases([ReaderBuffer - 1, ReaderBuffer, (2 * ReaderBuffer) - 1, 2 * ReaderBuffer, (4 * ReaderBuffer) - 1], [7, 4096, 16384, Unlimited]);

    [Theory]
    [MemberData(nameof(CrlfAtBufferEndCases))]
    public async Task A_CRLF_split_at_a_full_or_grown_buffer_is_one_line_ending(int lineLength, int readSize, bool async)
    {
        // The stream starts with the line, so it stays at the front of the buffer: with lineLength + 1 a power of two, its
        // CR is the last byte of a full buffer (first or grown) and the LF the first byte of the next read.
        byte[] payload = Payload(lineLength - "data: ".Length, seed: 6);
        byte[] input = Bytes("data: ", payload, "\r\n\r\ndata: next\r\n\r\n");
        Item[] expected = [Item.Event(Latin1(payload)), Item.Event("next")];
        Segmentation[] segmentations =
        [
            Segmenter.Whole(input),
            Segmenter.SplitAt(input, lineLength + 1),
            Segmenter.SplitAt(input, lineLength, lineLength + 1, lineLength + 2, lineLength + 3),
        ];
        foreach (Segmentation segmentation in segmentations)
        {
            var pool = new RecordingArrayPool();
            using (var reader = new SseReader(new ChunkedReadStream(segmentation, readSize, async), new SseParserOptions { BufferPool = pool }))
            {
                AssertItems(expected, await ReadAllAsync(reader, items: true), segmentation.Name);
            }

            Assert.Equal(0, pool.Outstanding);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_BOM_split_across_reads_is_skipped_and_a_long_line_after_it_arrives_exactly(bool async)
    {
        // Spec: "One leading U+FEFF BYTE ORDER MARK character must be ignored if any are present."
        byte[] payload = Payload(ReaderBuffer + 100, seed: 7);
        byte[] input = Bytes(new byte[] { 0xEF, 0xBB, 0xBF }, "data: ", payload, "\n\ndata: y\n\n");
        Segmentation[] splits =
        [
            Segmenter.SplitAt(input, 1), Segmenter.SplitAt(input, 2), Segmenter.SplitAt(input, 3),
            Segmenter.SplitAt(input, 1, 2), Segmenter.SplitAt(input, 1, 2, 3), Segmenter.SplitAt(input, 2, 4),
        ];
        foreach (Segmentation split in splits)
        {
            foreach (int readSize in new[] { 7, Unlimited })
            {
                using var reader = new SseReader(new ChunkedReadStream(split, readSize, async));
                AssertItems([Item.Event(Latin1(payload)), Item.Event("y")], await ReadAllAsync(reader, items: true), $"{split.Name}, {readSize} per read");
                Assert.Equal(input.Length, reader.BytesConsumed);
            }
        }

        // Two bytes of a BOM and then no third start the first line (here an unknown field), and only one BOM is skipped.
        byte[] partial = Bytes(new byte[] { 0xEF, 0xBB }, "data: ", payload, "\n\ndata: y\n\n");
        byte[] twice = Bytes(new byte[] { 0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF }, "data: x\n\ndata: y\n\n");
        foreach (byte[] bytes in new[] { partial, twice })
        {
            foreach (Segmentation split in new[] { Segmenter.SplitAt(bytes, 1), Segmenter.SplitAt(bytes, 1, 2, 3, 4, 5), Segmenter.Whole(bytes) })
            {
                using var reader = new SseReader(new ChunkedReadStream(split, 7, async));
                AssertItems([Item.Event("y")], await ReadAllAsync(reader, items: true), split.Name);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The end of the stream in a held line
    // ---------------------------------------------------------------------------------------------------------------

    public static TheoryData<int, int, bool> HeldTailCases() => Cases([20, ReaderBuffer + 1, 40 * 1024], ReadSizes);

    [Theory]
    [MemberData(nameof(HeldTailCases))]
    public async Task A_stream_that_ends_in_a_held_line_discards_it_and_its_event(int tailLength, int readSize, bool async)
    {
        // Spec: "Once the end of the file is reached, any pending data must be discarded. (If the file ends in the middle
        // of an event, before the final empty line, the incomplete event is not dispatched.)"
        byte[] dataTail = Bytes("id: 1\ndata: a\n\nid: 2\ndata: b\ndata: ", Payload(tailLength, seed: 8));
        byte[] idTail = Bytes("id: 1\ndata: a\n\ndata: b\nid: ", Ascii(tailLength, seed: 9));
        foreach (byte[] input in new[] { dataTail, idTail })
        {
            var pool = new RecordingArrayPool();
            var reader = new SseReader(new ChunkedReadStream(input, readSize, async), new SseParserOptions { BufferPool = pool });

            AssertItems([Item.Event("a", id: "1")], await ReadAllAsync(reader, items: true), "items");
            Assert.Equal("1", reader.LastEventId);
            Assert.Throws<InvalidOperationException>(() => reader.Current);

            // The end stays the end.
            Assert.False(await reader.ReadAsync());
            Assert.Equal(SseItemKind.None, await reader.ReadItemAsync());
            Assert.Equal("1", reader.LastEventId);
            reader.Dispose();
            Assert.Equal(0, pool.Outstanding);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Comments
    // ---------------------------------------------------------------------------------------------------------------

    public static TheoryData<int, int, bool> CommentCases() =>
        Cases([ReaderBuffer - 1, ReaderBuffer, ReaderBuffer + 1, 40 * 1024], ReadSizes);

    [Theory]
    [MemberData(nameof(CommentCases))]
    public async Task ReadItemAsync_returns_comments_longer_than_the_buffer(int lineLength, int readSize, bool async)
    {
        // Spec: "If the line starts with a U+003A COLON character (:): Ignore the line." ReadItemAsync still hands out
        // its text, after the colon and one leading space.
        string first = Ascii(lineLength - 1, seed: 10);
        string second = Ascii(lineLength - 2, seed: 11);
        byte[] input = Bytes(": short\n:", first, "\ndata: x\n\n: ", second, "\r\nretry: 5\ndata: y\n\n");
        var pool = new RecordingArrayPool();
        var options = new SseParserOptions { BufferPool = pool };

        using (var reader = new SseReader(new ChunkedReadStream(input, readSize, async), options))
        {
            Item[] expected = [Item.Comment("short"), Item.Comment(first), Item.Event("x"), Item.Comment(second), Item.Retry(5), Item.Event("y")];
            AssertItems(expected, await ReadAllAsync(reader, items: true), "items");
        }

        // ReadAsync skips the comments, long ones included. (Synchronous reads suffice: what is skipped does not depend on
        // how reads complete.)
        using (var reader = new SseReader(new ChunkedReadStream(input, readSize, completeAsynchronously: false), options))
        {
            AssertItems([Item.Event("x"), Item.Event("y")], await ReadAllAsync(reader, items: false), "events");
        }

        Assert.Equal(0, pool.Outstanding);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Cancellation and Dispose
    // ---------------------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData(5, false)]
    [InlineData(5, true)]
    [InlineData(50 * 1024, false)]
    [InlineData(50 * 1024, true)]
    public async Task Canceling_a_read_throws_and_Dispose_then_returns_every_buffer(int heldBytes, bool async)
    {
        byte[] head = Bytes("data: a\n\n");
        byte[] input = Bytes(head, "data: ", Payload(heldBytes + 100, seed: 12), "\n\n");
        var pool = new RecordingArrayPool();
        var stream = new ChunkedReadStream(input, 4096, async, stallAt: head.Length + "data: ".Length + heldBytes);
        var reader = new SseReader(stream, new SseParserOptions { BufferPool = pool });
        Assert.True(await reader.ReadAsync());

        using var cancellation = new CancellationTokenSource();
        Task<bool> pending = reader.ReadAsync(cancellation.Token).AsTask();
        await Task.WhenAny(stream.StallReached, pending);
        Assert.False(pending.IsCompleted, "the read waits in the stream");
        Assert.True(pool.Outstanding > 0, "the reader holds its buffer");

        await cancellation.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);

        await reader.DisposeAsync();
        Assert.Equal(0, pool.Outstanding);
        Assert.True(stream.IsDisposed);
    }

    [Theory]
    [InlineData(5, false)]
    [InlineData(5, true)]
    [InlineData(50 * 1024, false)]
    [InlineData(50 * 1024, true)]
    public async Task A_read_after_a_canceled_read_goes_on_where_it_stopped(int heldBytes, bool async)
    {
        byte[] head = Bytes("data: a\n\n");
        byte[] payload = Payload(heldBytes + 100, seed: 13);
        byte[] input = Bytes(head, "data: ", payload, "\n\ndata: c\n\n");
        var pool = new RecordingArrayPool();
        var stream = new ChunkedReadStream(input, 4096, async, stallAt: head.Length + "data: ".Length + heldBytes);
        using var reader = new SseReader(stream, new SseParserOptions { BufferPool = pool });
        Assert.True(await reader.ReadAsync());

        using (var cancellation = new CancellationTokenSource())
        {
            Task<bool> pending = reader.ReadAsync(cancellation.Token).AsTask();
            await Task.WhenAny(stream.StallReached, pending);
            Assert.False(pending.IsCompleted, "the read waits in the stream");
            await cancellation.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
        }

        // The canceled read took no byte from the stream: the next read finds the line whole.
        AssertItems([Item.Event(Latin1(payload)), Item.Event("c")], await ReadAllAsync(reader, items: true), "after the cancellation");
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public async Task Dispose_closes_the_stream_unless_left_open_and_returns_every_buffer(bool leaveOpen, bool disposeAsync)
    {
        byte[] input = Bytes("data: a\n\ndata: ", Payload(ReaderBuffer + 5, seed: 14));
        var pool = new RecordingArrayPool();
        var stream = new ChunkedReadStream(input, Unlimited, completeAsynchronously: false);
        var reader = new SseReader(stream, new SseParserOptions { BufferPool = pool }, leaveOpen);
        Assert.True(await reader.ReadAsync());
        Assert.True(pool.Outstanding > 0, "mid-stream, the reader holds its buffer");

        if (disposeAsync)
        {
            await reader.DisposeAsync();
        }
        else
        {
            reader.Dispose();
        }

        Assert.Equal(!leaveOpen, stream.IsDisposed);
        Assert.Equal(0, pool.Outstanding);

        // Disposing again changes nothing; reading is refused.
        reader.Dispose();
        await reader.DisposeAsync();
        Assert.Equal(0, pool.Outstanding);
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await reader.ReadAsync());
    }

    [Fact]
    public async Task An_event_read_with_a_callers_decoder_never_shows_returned_memory_after_the_reader_is_disposed()
    {
        // SseEvent: "The view is valid until the next read from the parser that produced it; after that every member
        // throws InvalidOperationException rather than show another event's bytes." Disposing the reader is no read from
        // the caller's decoder, yet it returns the buffer the event lies in: the view must still show the event, or throw.
        var pool = new RecordingArrayPool();
        using var decoder = new SseDecoder(new SseParserOptions { BufferPool = pool });
        var reader = new SseReader(new ChunkedReadStream(Bytes("data: in the reader's buffer\n\n"), Unlimited, false), decoder);
        Assert.True(await reader.ReadAsync());
        SseEvent e = reader.Current;
        reader.Dispose();

        string? shown;
        try
        {
            shown = e.GetDataString();
        }
        catch (InvalidOperationException)
        {
            shown = null;
        }

        if (shown is not null)
        {
            Assert.Equal("in the reader's buffer", shown);
        }
    }

    [Fact]
    public async Task An_event_read_from_a_pipe_with_a_callers_decoder_is_stale_once_the_reader_is_disposed()
    {
        // The pipe path holds the pipe's buffer until the next read; disposing the reader gives it back to the pipe,
        // which may reuse it at once: the view must throw, not show whatever the pipe writes there next.
        using var decoder = new SseDecoder();
        var pipe = new System.IO.Pipelines.Pipe();
        await pipe.Writer.WriteAsync(Bytes("data: in the pipe\n\n"));
        var reader = new SseReader(pipe.Reader, decoder);
        Assert.True(await reader.ReadAsync());
        SseEvent e = reader.Current;
        Assert.Equal("in the pipe", e.GetDataString());
        reader.Dispose();
        Assert.Throws<InvalidOperationException>(() => e.GetDataString());
        Assert.Equal("(an event that is no longer current)", e.ToString());
    }

    [Fact]
    public async Task A_callers_decoder_goes_on_after_a_reader_disposed_in_a_held_line_and_Reset()
    {
        var pool = new RecordingArrayPool();
        var decoder = new SseDecoder(new SseParserOptions { BufferPool = pool });
        byte[] first = Bytes("id: 1\ndata: a\n\nid: 2\ndata: ", Payload(3 * ReaderBuffer, seed: 15), "\n\n");
        var stream = new ChunkedReadStream(first, 4096, completeAsynchronously: false, stallAt: 2 * ReaderBuffer);
        var reader = new SseReader(stream, decoder);
        Assert.True(await reader.ReadAsync());
        using (var cancellation = new CancellationTokenSource())
        {
            Task<bool> pending = reader.ReadAsync(cancellation.Token).AsTask();
            await Task.WhenAny(stream.StallReached, pending);
            Assert.False(pending.IsCompleted, "the read waits in the stream");
            await cancellation.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
        }

        reader.Dispose();
        Assert.True(stream.IsDisposed);

        // A new connection: the decoder forgets the unfinished event and its id, and keeps the committed id.
        decoder.Reset();
        using (var next = new SseReader(new ChunkedReadStream(Bytes("data: b\n\n"), 7, completeAsynchronously: true), decoder))
        {
            AssertItems([Item.Event("b", id: "1")], await ReadAllAsync(next, items: true), "the next stream");
        }

        decoder.Dispose();
        Assert.Equal(0, pool.Outstanding);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Stream, pipe and span agree
    // ---------------------------------------------------------------------------------------------------------------

    /// <summary>Where a generated stream gets a long run of one byte appended to one of its lines, and how it is read.</summary>
    private sealed record Shape(int LineIndex, int PaddingLength, byte Padding, int ReadSize, bool Async)
    {
        public override string ToString() =>
            $"line {LineIndex} + {PaddingLength} x 0x{Padding:X2}, {(ReadSize == Unlimited ? "unlimited" : ReadSize.ToString())} per read, {(Async ? "async" : "sync")}";
    }

    private static readonly Gen<Shape> Shapes =
        from lineIndex in Gen.Choose(0, 1000)
        from paddingLength in Gen.Frequency(
            (2, Gen.Constant(0)),
            (6, Gen.Choose(ReaderBuffer - 24, ReaderBuffer + 24)),
            (2, Gen.Elements((2 * ReaderBuffer) + 3, 40_000)))
        from padding in Gen.Elements((byte)'x', (byte)'0', (byte)' ', (byte)':', (byte)0xC3)
        from readSize in Gen.Elements(ReadSizes)
        from async in Gen.Elements(Completions)
        select new Shape(lineIndex, paddingLength, padding, readSize, async);

    [Fact]
    public void A_stream_read_directly_through_a_pipe_and_as_one_span_gives_the_same_items() =>
        Check.One(
            Config.QuickThrowOnFailure.WithMaxTest(120).WithEndSize(60),
            Prop.ForAll(StreamGenerators.StreamArb(), Shapes.ToArbitrary(), (GeneratedEvents generated, Shape shape) =>
                AgreeOnEveryPath(Pad(generated, shape), shape)));

    private static byte[] Pad(GeneratedEvents generated, Shape shape)
    {
        byte[] padding = new byte[shape.PaddingLength];
        padding.AsSpan().Fill(shape.Padding);
        if (generated.Lines.Count == 0)
        {
            return (generated with { Tail = [.. generated.Tail, .. padding] }).ToBytes();
        }

        byte[][] lines = [.. generated.Lines];
        int index = shape.LineIndex % lines.Length;
        lines[index] = [.. lines[index], .. padding];
        return (generated with { Lines = lines }).ToBytes();
    }

    private static void AgreeOnEveryPath(byte[] input, Shape shape) =>
        Task.Run(async () =>
        {
            // 1-byte reads of a padded stream through a pipe would make the property slow; 7 bytes cut as finely here.
            int readSize = shape.ReadSize == 1 && shape.PaddingLength > 1000 ? 7 : shape.ReadSize;
            var options = new SseParserOptions { BufferPool = new RecordingArrayPool() };
            foreach (bool items in new[] { true, false })
            {
                var span = new List<Item>();
                string spanLastEventId = DecodeWhole(input, items, options, span);

                using var direct = new SseReader(new ChunkedReadStream(input, readSize, shape.Async), options);
                List<Item> fromStream = await ReadAllAsync(direct, items);

                using var piped = new SseReader(PipeReader.Create(new ChunkedReadStream(input, readSize, shape.Async)), options);
                List<Item> fromPipe = await ReadAllAsync(piped, items);

                string what = $"{(items ? "items" : "events")} of {SseRecord.Escape(Encoding.Latin1.GetString(input.AsSpan(0, Math.Min(input.Length, 300))))} ({input.Length} bytes), {shape}";
                AssertItems(span, fromStream, "SseReader(Stream) against SseDecoder over the span: " + what);
                AssertItems(span, fromPipe, "SseReader(PipeReader.Create(stream)) against SseDecoder over the span: " + what);
                Assert.Equal(spanLastEventId, direct.LastEventId);
                Assert.Equal(spanLastEventId, piped.LastEventId);
            }
        }).GetAwaiter().GetResult();

    // ---------------------------------------------------------------------------------------------------------------
    // Allocation
    // ---------------------------------------------------------------------------------------------------------------

    private const int AllocationEvents = 10_000;

    [Theory]
    [InlineData("data-only")]
    [InlineData("typed")]
    [InlineData("crlf")]
    [InlineData("comments and retry")]
    public void SseReader_over_a_MemoryStream_allocates_nothing_per_event_after_warm_up(string shape)
    {
        byte[] bytes = SmallEvents(shape);
        bool items = shape == "comments and retry";
        int expected = items ? 3 * AllocationEvents : AllocationEvents;
        Assert.Equal(expected, CountSynchronously(new SseReader(new MemoryStream(bytes)), items));
        Assert.Equal(expected, CountSynchronously(new SseReader(new MemoryStream(bytes)), items));

        // The stream and the reader are made before each measurement: only reading is measured.
        long least = long.MaxValue;
        for (int run = 0; run < 3; run++)
        {
            var reader = new SseReader(new MemoryStream(bytes));
            long before = GC.GetAllocatedBytesForCurrentThread();
            int count = CountSynchronously(reader, items);
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
            Assert.Equal(expected, count);
        }

#if SSECODEC_NETSTANDARD
        // netstandard2.0's Stream reads asynchronously through Task<int> only: MemoryStream makes a task for each read
        // whose count differs from the last one's, one per 16 KiB buffer at most. At most 0.5 bytes per event.
        Assert.InRange(least, 0, AllocationEvents / 2);
#else
        if (IsOptimized)
        {
            // At most 0.05 bytes per event.
            Assert.InRange(least, 0, AllocationEvents / 20);
        }
        else
        {
            // A Debug build of the library makes each async state machine a class: one box per read from the stream.
            Assert.InRange(least, 0, AllocationEvents * 4L);
        }
#endif
    }

    private static bool IsOptimized =>
        typeof(SseReader).Assembly.GetCustomAttribute<DebuggableAttribute>()?.IsJITOptimizerDisabled != true;

    private static byte[] SmallEvents(string shape)
    {
        var text = new StringBuilder();
        for (int i = 0; i < AllocationEvents; i++)
        {
            switch (shape)
            {
                case "data-only":
                    text.Append("data: {\"choices\":[{\"delta\":{\"content\":\"token ").Append(i).Append("\"}}]}\n\n");
                    break;
                case "typed":
                    text.Append("event: ").Append(i % 3 == 0 ? "tick" : "trade").Append("\nid: ").Append(i).Append("\ndata: {\"px\":").Append(i).Append("}\n\n");
                    break;
                case "crlf":
                    text.Append("event: update\r\nid: ").Append(i).Append("\r\ndata: payload ").Append(i).Append("\r\n\r\n");
                    break;
                case "comments and retry":
                    text.Append(": keep-alive\nretry: ").Append(1000 + i).Append("\ndata: x").Append(i).Append("\n\n");
                    break;
            }
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>Reads every item, each read completing synchronously over a MemoryStream, touching what it produced.</summary>
    private static int CountSynchronously(SseReader reader, bool items)
    {
        int count = 0;
        int touched = 0;
        while (true)
        {
            SseItemKind kind;
            if (items)
            {
                ValueTask<SseItemKind> read = reader.ReadItemAsync();
                Assert.True(read.IsCompletedSuccessfully, "a read over a MemoryStream completes synchronously");
                kind = read.Result;
            }
            else
            {
                ValueTask<bool> read = reader.ReadAsync();
                Assert.True(read.IsCompletedSuccessfully, "a read over a MemoryStream completes synchronously");
                kind = read.Result ? SseItemKind.Event : SseItemKind.None;
            }

            if (kind == SseItemKind.None)
            {
                break;
            }

            touched += kind switch
            {
                SseItemKind.Event => reader.Current.Data.Length + reader.Current.EventType.Length + reader.Current.LastEventIdUtf8.Length,
                SseItemKind.Comment => reader.CurrentComment.Length,
                _ => (int)reader.ReconnectionTime.GetValueOrDefault().Ticks & 1,
            };
            count++;
        }

        reader.Dispose();
        Assert.True(touched > 0);
        return count;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Helpers
    // ---------------------------------------------------------------------------------------------------------------

    /// <summary>What one read produced; bytes are kept as Latin-1 text, so every byte compares exactly.</summary>
    private sealed record Item(SseItemKind Kind, string Type, string Data, string LastEventId, long RetryMilliseconds)
    {
        public static Item Event(string data, string type = "message", string id = "") => new(SseItemKind.Event, type, data, id, 0);

        public static Item Comment(string text) => new(SseItemKind.Comment, "", text, "", 0);

        public static Item Retry(long milliseconds) => new(SseItemKind.ReconnectionTime, "", "", "", milliseconds);

        public override string ToString() => Kind switch
        {
            SseItemKind.Event => $"Event(type={Short(Type)}, data={Short(Data)}, id={Short(LastEventId)})",
            SseItemKind.Comment => $"Comment({Short(Data)})",
            _ => $"Retry({RetryMilliseconds})",
        };

        private static string Short(string text) =>
            text.Length <= 40 ? SseRecord.Escape(text) : $"{SseRecord.Escape(text[..20])}...({text.Length} chars, hash {StableHash(text):X8})";

        private static uint StableHash(string text)
        {
            uint hash = 2166136261;
            foreach (char c in text)
            {
                hash = (hash ^ c) * 16777619;
            }

            return hash;
        }
    }

    /// <summary>
    /// Every length with every read size, synchronously and asynchronously; except that, to keep the file fast, tiny
    /// asynchronous reads (a thread pool hop per read) are left out where they would be many: 1-byte ones for lines past
    /// 64 bytes, 7-byte ones for lines other than one just past the buffer (which makes it grow). Synchronous reads cover
    /// tiny reads of every line, and asynchronous reads of 4096 bytes and more cover the asynchronous path at every length.
    /// </summary>
    private static TheoryData<int, int, bool> Cases(int[] lengths, int[] readSizes)
    {
        var rows = new TheoryData<int, int, bool>();
        foreach (int length in lengths)
        {
            foreach (int readSize in readSizes)
            {
                foreach (bool async in Completions)
                {
                    if (async && ((readSize == 1 && length > 64) || (readSize == 7 && length > 64 && length != ReaderBuffer + 1)))
                    {
                        continue;
                    }

                    rows.Add(length, readSize, async);
                }
            }
        }

        return rows;
    }

    private static void AssertItems(IReadOnlyList<Item> expected, IReadOnlyList<Item> actual, string what)
    {
        if (!expected.SequenceEqual(actual))
        {
            Assert.Fail($"{what}:\nexpected [{string.Join(", ", expected)}]\nactual   [{string.Join(", ", actual)}]");
        }
    }

    private static async Task<List<Item>> ReadAllAsync(SseReader reader, bool items, List<Item>? into = null)
    {
        into ??= [];
        while (true)
        {
            SseItemKind kind = items
                ? await reader.ReadItemAsync().ConfigureAwait(false)
                : (await reader.ReadAsync().ConfigureAwait(false) ? SseItemKind.Event : SseItemKind.None);
            if (kind == SseItemKind.None)
            {
                return into;
            }

            into.Add(kind switch
            {
                SseItemKind.Event => FromEvent(reader.Current),
                SseItemKind.Comment => Item.Comment(Latin1(reader.CurrentComment)),
                _ => Item.Retry((long)reader.ReconnectionTime.GetValueOrDefault().TotalMilliseconds),
            });
        }
    }

    /// <summary>Decodes the whole input as one span with <see cref="SseDecoder"/>, then ends the stream; returns the last event ID.</summary>
    private static string DecodeWhole(byte[] input, bool items, SseParserOptions options, List<Item> into)
    {
        using var decoder = new SseDecoder(options);
        ReadOnlySpan<byte> rest = input;
        while (true)
        {
            SseItemKind kind;
            int consumed;
            if (items)
            {
                kind = decoder.ReadItem(rest, out consumed);
            }
            else
            {
                kind = decoder.TryReadEvent(rest, out consumed, out _) ? SseItemKind.Event : SseItemKind.None;
            }

            rest = rest.Slice(consumed);
            if (kind == SseItemKind.None)
            {
                break;
            }

            into.Add(kind switch
            {
                SseItemKind.Event => FromEvent(decoder.CurrentEvent),
                SseItemKind.Comment => Item.Comment(Latin1(decoder.CurrentComment)),
                _ => Item.Retry((long)decoder.ReconnectionTime.GetValueOrDefault().TotalMilliseconds),
            });
        }

        decoder.Complete();
        return decoder.LastEventId;
    }

    private static Item FromEvent(SseEvent e) =>
        Item.Event(Latin1(e.Data), Latin1(e.EventTypeUtf8), Latin1(e.LastEventIdUtf8));

    private static string Latin1(ReadOnlySpan<byte> bytes) => Encoding.Latin1.GetString(bytes);

    /// <summary>Reproducible bytes with no CR or LF; every other byte value, U+0000 and invalid UTF-8 included.</summary>
    private static byte[] Payload(int length, int seed)
    {
        byte[] bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        for (int i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] is (byte)'\r' or (byte)'\n')
            {
                bytes[i] = (byte)'x';
            }
        }

        return bytes;
    }

    /// <summary>Reproducible lowercase ASCII letters: a value that reads the same as bytes and as a string.</summary>
    private static string Ascii(int length, int seed)
    {
        var random = new Random(seed);
        return string.Create(length, random, static (span, r) =>
        {
            for (int i = 0; i < span.Length; i++)
            {
                span[i] = (char)('a' + r.Next(26));
            }
        });
    }

    /// <summary>Joins strings (as UTF-8) and byte arrays.</summary>
    private static byte[] Bytes(params object[] parts)
    {
        var output = new MemoryStream();
        foreach (object part in parts)
        {
            byte[] bytes = part switch
            {
                string text => Encoding.UTF8.GetBytes(text),
                byte[] raw => raw,
                _ => throw new ArgumentException($"Cannot join a {part.GetType()}.", nameof(parts)),
            };
            output.Write(bytes);
        }

        return output.ToArray();
    }
}

using System.IO.Pipelines;
using System.Text;
using SseCodec.Reference;

namespace SseCodec.Tests.Parser;

/// <summary>
/// SseReader over a decoder the caller keeps, as a client does across reconnections: the decoder's state carries from
/// one reader to the next, the reader never disposes it, and <see cref="SseDecoder.Reset"/> starts each new stream.
/// </summary>
public sealed class ExternalDecoderTests
{
    [Fact]
    public async Task The_last_event_id_and_reconnection_time_carry_over_to_the_next_reader()
    {
        using var decoder = new SseDecoder();
        using (var first = new SseReader(new MemoryStream(Encoding.UTF8.GetBytes("id: 7\nretry: 1500\ndata: a\n\n")), decoder))
        {
            Assert.True(await first.ReadAsync());
            Assert.Equal("a", first.Current.GetDataString());
            Assert.False(await first.ReadAsync());
        }

        decoder.Reset();
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes("data: b\n\n"));
        await pipe.Writer.CompleteAsync();
        using var second = new SseReader(pipe.Reader, decoder);

        // Spec: "If the field name is "id" ... set the event stream's last event ID buffer to the field value" and the
        // last event ID string "persists" across events; an event source keeps it (and the reconnection time) when it
        // reestablishes the connection.
        Assert.True(await second.ReadAsync());
        Assert.Equal("b", second.Current.GetDataString());
        Assert.Equal("7", second.Current.LastEventId);
        Assert.Equal("7", second.LastEventId);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), second.ReconnectionTime);
    }

    [Fact]
    public async Task Disposing_the_reader_leaves_the_decoder_usable_and_disposing_the_decoder_returns_every_buffer()
    {
        var pool = new CountingArrayPool();
        var decoder = new SseDecoder(new SseParserOptions { BufferPool = pool });

        // Two data lines: the decoder must copy them into a pooled buffer of its own.
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes("id: 1\ndata: a\ndata: b\n\n"));
        await pipe.Writer.CompleteAsync();
        using (var reader = new SseReader(pipe.Reader, decoder))
        {
            Assert.True(await reader.ReadAsync());
            Assert.Equal("a\nb", reader.Current.GetDataString());
        }

        using (var reader = new SseReader(new MemoryStream(Encoding.UTF8.GetBytes("data: c\n\n")), decoder))
        {
            Assert.True(await reader.ReadAsync());
            Assert.Equal("c", reader.Current.GetDataString());
        }

        // Not disposed (a disposed decoder throws): it still parses and still knows the last event ID.
        Assert.True(decoder.TryReadEvent(Encoding.UTF8.GetBytes("data: d\n\n").AsSpan(), out _, out SseEvent e));
        Assert.Equal("d", e.GetDataString());
        Assert.Equal("1", decoder.LastEventId);
        Assert.True(pool.Rents > 0, "the two data lines were copied into a pooled buffer");

        decoder.Dispose();
        Assert.Equal(0, pool.Outstanding);
    }

    [Fact]
    public async Task Reset_after_a_drop_discards_the_partial_event_without_its_id_and_expects_a_new_bom()
    {
        using var decoder = new SseDecoder();
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes("id: 7\ndata: a\n\nid: 9\ndata: partial\n"));
        using (var first = new SseReader(pipe.Reader, decoder))
        {
            Assert.True(await first.ReadAsync());

            // The connection drops while the reader waits for the rest of the event.
            using var drop = new CancellationTokenSource();
            ValueTask<bool> pending = first.ReadAsync(drop.Token);
            drop.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await pending);
        }

        // Spec: "If the file ends in the middle of an event, before the final empty line, the incomplete event is not
        // dispatched." Its id was never committed either. And each stream may start with a BOM: "One leading U+FEFF BYTE
        // ORDER MARK character must be ignored if any are present."
        decoder.Reset();
        using var second = new SseReader(new MemoryStream(Encoding.UTF8.GetBytes("\uFEFFdata: c\n\n")), decoder);
        Assert.True(await second.ReadAsync());
        Assert.Equal("c", second.Current.GetDataString());
        Assert.Equal("7", second.Current.LastEventId);
        Assert.False(await second.ReadAsync());
    }

    [Fact]
    public async Task The_stream_is_disposed_with_the_reader_unless_left_open()
    {
        using var decoder = new SseDecoder();
        var closed = new MemoryStream(Encoding.UTF8.GetBytes("data: a\n\n"));
        var open = new MemoryStream(Encoding.UTF8.GetBytes("data: b\n\n"));

        using (var reader = new SseReader(closed, decoder))
        {
            Assert.True(await reader.ReadAsync());
        }

        decoder.Reset();
        using (var reader = new SseReader(open, decoder, leaveOpen: true))
        {
            Assert.True(await reader.ReadAsync());
        }

        Assert.False(closed.CanRead);
        Assert.True(open.CanRead);
    }

    [Fact]
    public void A_null_decoder_is_refused()
    {
        Assert.Throws<ArgumentNullException>(() => new SseReader(new MemoryStream(), decoder: null!));
        Assert.Throws<ArgumentNullException>(() => new SseReader(new Pipe().Reader, decoder: null!));
    }
}

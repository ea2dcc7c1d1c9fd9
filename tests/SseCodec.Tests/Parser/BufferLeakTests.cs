using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using SseCodec.Reference;

namespace SseCodec.Tests.Parser;

/// <summary>Every pooled buffer goes back to its pool on dispose, after errors and after cancellation.</summary>
public class BufferLeakTests
{
    private static readonly byte[] Busy = Encoding.UTF8.GetBytes(
        "event: big\nid: 42\ndata: " + new string('d', 5000) + "\ndata: second line\n\n: comment\ndata: partial line with no end yet");

    [Fact]
    public void Dispose_returns_every_buffer_held_mid_event()
    {
        var pool = new CountingArrayPool();
        var decoder = new SseDecoder(new SseParserOptions { BufferPool = pool });
        ReadOnlySequence<byte> input = Segmenter.ToSequence(Segmenter.FixedSize(Busy, 7));
        while (decoder.TryReadEvent(ref input, out _))
        {
        }

        Assert.True(pool.Outstanding > 0, "the decoder holds buffers mid-event");
        decoder.Dispose();
        Assert.Equal(0, pool.Outstanding);
        decoder.Dispose();
        Assert.Equal(0, pool.Outstanding);
    }

    [Fact]
    public void Dispose_after_a_limit_error_returns_every_buffer()
    {
        var pool = new CountingArrayPool();
        var decoder = new SseDecoder(new SseParserOptions { BufferPool = pool, MaxLineLength = 100 });
        ReadOnlySequence<byte> input = Segmenter.ToSequence(Segmenter.FixedSize(Busy, 16));
        Assert.Throws<SseLimitExceededException>(() =>
        {
            while (decoder.TryReadEvent(ref input, out _))
            {
            }
        });

        decoder.Dispose();
        Assert.Equal(0, pool.Outstanding);
    }

    [Fact]
    public async Task Canceling_a_read_then_disposing_returns_every_buffer()
    {
        var pool = new CountingArrayPool();
        var pipe = new Pipe();
        var reader = new SseReader(pipe.Reader, new SseParserOptions { BufferPool = pool });
        await pipe.Writer.WriteAsync(Busy);

        Assert.True(await reader.ReadAsync());
        using var cancellation = new CancellationTokenSource();
        ValueTask<bool> pending = reader.ReadAsync(cancellation.Token);
        Assert.False(pending.IsCompleted, "the reader waits for the end of the partial line");
        Assert.True(pool.Outstanding > 0);

        cancellation.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await pending);

        await reader.DisposeAsync();
        Assert.Equal(0, pool.Outstanding);
        await pipe.Writer.CompleteAsync();
    }

    [Fact]
    public async Task Disposing_a_reader_mid_stream_returns_every_buffer_and_completes_the_pipe()
    {
        var pool = new CountingArrayPool();
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(Busy);
        var reader = new SseReader(pipe.Reader, new SseParserOptions { BufferPool = pool });
        Assert.True(await reader.ReadAsync());

        reader.Dispose();
        Assert.Equal(0, pool.Outstanding);

        // The reader completed the pipe: the writer learns that nobody reads any more.
        FlushResult flush = await pipe.Writer.WriteAsync(new byte[] { 1 });
        Assert.True(flush.IsCompleted);
    }

    [Fact]
    public async Task A_reader_left_open_gives_the_unread_bytes_back_to_the_pipe()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes("data: one\n\ndata: two\n\n"));
        var reader = new SseReader(pipe.Reader, leaveOpen: true);
        Assert.True(await reader.ReadAsync());
        Assert.Equal("one", reader.Current.GetDataString());
        reader.Dispose();

        ReadResult rest = await pipe.Reader.ReadAsync();
        Assert.Equal("data: two\n\n", System.Text.Encoding.UTF8.GetString(rest.Buffer.ToArray()));
        pipe.Reader.AdvanceTo(rest.Buffer.End);
    }
}

using System.IO.Pipelines;
using System.Text;

namespace SseCodec.Tests.Parser;

/// <summary>SseReader follows the PipeReader contract: a partial line is consumed and examined, so the reader waits for new bytes instead of spinning.</summary>
public class SseReaderTests
{
    [Fact]
    public async Task A_partial_line_waits_for_more_bytes_without_re_reading()
    {
        var pipe = new Pipe();
        var counting = new CountingPipeReader(pipe.Reader);
        await using var reader = new SseReader(counting);

        await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes("data: first half"));
        ValueTask<bool> read = reader.ReadAsync();

        // One read returned the partial line; the decoder kept it and advanced past it, so the second read waits.
        Assert.False(read.IsCompleted);
        Assert.Equal(2, counting.Reads);
        Assert.Equal(counting.LastExaminedEnd, counting.LastConsumed);

        await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes(" and the rest\n\n"));
        Assert.True(await read);
        Assert.Equal("first half and the rest", reader.Current.GetDataString());
        Assert.Equal(2, counting.Reads);
    }

    [Fact]
    public async Task A_CR_at_the_end_of_a_read_dispatches_without_waiting_for_the_next_byte()
    {
        var pipe = new Pipe();
        await using var reader = new SseReader(pipe.Reader);
        await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes("data: now\r\r"));

        ValueTask<bool> read = reader.ReadAsync();
        Assert.True(read.IsCompleted, "the event is complete: CR ends a line");
        Assert.True(await read);
        Assert.Equal("now", reader.Current.GetDataString());

        // The LF that may follow is part of the CRLF, not a second blank line.
        await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes("\ndata: next\n\n"));
        await pipe.Writer.CompleteAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal("next", reader.Current.GetDataString());
        Assert.False(await reader.ReadAsync());
    }

    [Fact]
    public async Task Items_come_in_stream_order()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes(": hi\nretry: 250\ndata: x\n\n"));
        await pipe.Writer.CompleteAsync();
        await using var reader = new SseReader(pipe.Reader);

        Assert.Equal(SseItemKind.Comment, await reader.ReadItemAsync());
        Assert.Equal("hi", System.Text.Encoding.UTF8.GetString(reader.CurrentComment));
        Assert.Equal(SseItemKind.ReconnectionTime, await reader.ReadItemAsync());
        Assert.Equal(TimeSpan.FromMilliseconds(250), reader.ReconnectionTime);
        Assert.Equal(SseItemKind.Event, await reader.ReadItemAsync());
        Assert.Equal("x", reader.Current.GetDataString());
        Assert.Equal(SseItemKind.None, await reader.ReadItemAsync());
    }

    [Fact]
    public async Task Await_foreach_reads_every_event_then_stops_at_the_end()
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes("data: 1\n\ndata: 2\n\ndata: unterminated"));
        await using var reader = new SseReader(stream);
        var seen = new List<string>();
        await foreach (SseEvent e in reader.ReadAllAsync())
        {
            seen.Add(e.GetDataString());
        }

        Assert.Equal(["1", "2"], seen);
    }

    [Fact]
    public async Task CancelPendingRead_surfaces_as_cancellation()
    {
        var pipe = new Pipe();
        await using var reader = new SseReader(pipe.Reader, leaveOpen: true);
        ValueTask<bool> read = reader.ReadAsync();
        pipe.Reader.CancelPendingRead();
        await Assert.ThrowsAsync<OperationCanceledException>(async () => await read);
    }

    /// <summary>Counts reads and records the last AdvanceTo.</summary>
    private sealed class CountingPipeReader(PipeReader inner) : PipeReader
    {
        public int Reads { get; private set; }

        public long LastConsumed { get; private set; } = -1;

        public long LastExaminedEnd { get; private set; } = -1;

        private System.Buffers.ReadOnlySequence<byte> _last;

        public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
        {
            Reads++;
            ReadResult result = await inner.ReadAsync(cancellationToken);
            _last = result.Buffer;
            return result;
        }

        public override bool TryRead(out ReadResult result) => inner.TryRead(out result);

        public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
        {
            LastConsumed = _last.Slice(0, consumed).Length;
            LastExaminedEnd = _last.Slice(0, examined).Length;
            inner.AdvanceTo(consumed, examined);
        }

        public override void CancelPendingRead() => inner.CancelPendingRead();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);
    }
}

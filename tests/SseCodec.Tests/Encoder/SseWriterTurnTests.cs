using System.IO.Pipelines;
using System.Text;

namespace SseCodec.Tests.Encoder;

/// <summary>SseWriter's turns (writes, flushes and the timer one at a time) and its writer over a Stream.</summary>
public class SseWriterTurnTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    /// <summary>A pipe whose writer waits at every flush until the reader reads: a turn is held for as long as the test wants.</summary>
    private static Pipe PausingPipe() => new(new PipeOptions(pauseWriterThreshold: 1, resumeWriterThreshold: 1, useSynchronizationContext: false));

    private static async Task<string> ReadAllAsync(PipeReader reader)
    {
        var text = new StringBuilder();
        while (true)
        {
            ReadResult result = await reader.ReadAsync().AsTask().WaitAsync(Bound);
            foreach (ReadOnlyMemory<byte> segment in result.Buffer)
            {
                text.Append(Encoding.UTF8.GetString(segment.Span));
            }

            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return text.ToString();
            }
        }
    }

    [Fact]
    public async Task Writes_from_many_tasks_take_turns_and_arrive_whole()
    {
        Pipe pipe = PausingPipe();
        Task<string> read = ReadAllAsync(pipe.Reader);
        var writer = new SseWriter(pipe.Writer);
        Task[] writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (int i = 0; i < 200; i++)
            {
                await writer.WriteEventAsync($"writer {w} event {i}\nsecond line", eventType: "t", id: $"{w}-{i}");
            }
        })).ToArray();
        await Task.WhenAll(writers).WaitAsync(Bound);
        await writer.DisposeAsync();

        List<Decoded.Item> items = Decoded.Parse(Encoding.UTF8.GetBytes(await read));
        Assert.Equal(8 * 200, items.Count);
        for (int w = 0; w < 8; w++)
        {
            // Each task's events in its own order, each whole.
            var own = items.Cast<Decoded.Event>().Where(e => e.Id.StartsWith($"{w}-", StringComparison.Ordinal)).ToList();
            Assert.Equal(Enumerable.Range(0, 200).Select(i => new Decoded.Event("t", $"writer {w} event {i}\nsecond line", $"{w}-{i}")), own);
        }
    }

    [Fact]
    public async Task A_write_canceled_while_it_waits_for_its_turn_leaves_the_line()
    {
        Pipe pipe = PausingPipe();
        var writer = new SseWriter(pipe.Writer);

        // The first write holds the turn: its flush waits for the reader.
        ValueTask first = writer.WriteEventAsync("first");
        Assert.False(first.IsCompleted);

        using var cancel = new CancellationTokenSource();
        ValueTask canceled = writer.WriteEventAsync("never", cancellationToken: cancel.Token);
        ValueTask third = writer.WriteEventAsync("third");
        Assert.False(canceled.IsCompleted);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => canceled.AsTask().WaitAsync(Bound));

        Task<string> read = ReadAllAsync(pipe.Reader);
        await first.AsTask().WaitAsync(Bound);
        await third.AsTask().WaitAsync(Bound);
        await writer.DisposeAsync();
        Assert.Equal("data: first\n\ndata: third\n\n", await read);
    }

    [Fact]
    public async Task A_write_with_a_canceled_token_does_not_take_a_free_turn()
    {
        var pipe = new Pipe();
        var writer = new SseWriter(pipe.Writer);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => writer.WriteEventAsync("x", cancellationToken: new CancellationToken(canceled: true)).AsTask());
        await writer.WriteEventAsync("y");
        await writer.DisposeAsync();
        Assert.Equal("data: y\n\n", await ReadAllAsync(pipe.Reader));
    }

    [Fact]
    public async Task A_failing_write_gives_its_turn_back()
    {
        var pipe = new Pipe();
        var writer = new SseWriter(pipe.Writer);
        await Assert.ThrowsAsync<ArgumentException>(() => writer.WriteEventAsync("x", eventType: "a\nb").AsTask());
        await Assert.ThrowsAsync<InvalidOperationException>(() => writer.WriteAsync(0, (_, _) => throw new InvalidOperationException()).AsTask());
        await writer.WriteEventAsync("after");
        await writer.DisposeAsync();
        Assert.Equal("data: after\n\n", await ReadAllAsync(pipe.Reader));
    }

    [Fact]
    public async Task The_turn_passes_to_waiters_in_the_order_they_came()
    {
        var turn = new AsyncTurn();
        await turn.TakeAsync(CancellationToken.None);
        var order = new List<int>();
        Task[] waiters = Enumerable.Range(0, 5).Select(async i =>
        {
            await turn.TakeAsync(CancellationToken.None);
            order.Add(i);
            turn.GiveBack();
        }).ToArray();
        Assert.All(waiters, w => Assert.False(w.IsCompleted));
        turn.GiveBack();
        await Task.WhenAll(waiters).WaitAsync(Bound);
        Assert.Equal([0, 1, 2, 3, 4], order);

        // Free again: taken at once.
        Assert.True(turn.TakeAsync(CancellationToken.None).IsCompletedSuccessfully);
    }

    [Fact]
    public async Task When_every_waiter_left_the_turn_given_back_is_free()
    {
        var turn = new AsyncTurn();
        await turn.TakeAsync(CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        ValueTask waiting = turn.TakeAsync(cancel.Token);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.AsTask());
        turn.GiveBack();
        Assert.True(turn.TakeAsync(CancellationToken.None).IsCompletedSuccessfully);
    }

    [Fact]
    public async Task Over_a_stream_each_item_is_written_and_flushed_and_dispose_leaves_the_stream_open_if_asked()
    {
        var stream = new RecordingStream();
        await using (var writer = new SseWriter(stream, leaveOpen: true))
        {
            await writer.WriteEventAsync("one", eventType: "t");
            Assert.Equal("event: t\ndata: one\n\n", stream.Text);
            Assert.Equal(1, stream.Flushes);
            await writer.WriteCommentAsync("c");
            Assert.Equal("event: t\ndata: one\n\n: c\n", stream.Text);
            Assert.Equal(2, stream.Flushes);
        }

        Assert.False(stream.Disposed);
        await using (new SseWriter(stream))
        {
        }

        Assert.True(stream.Disposed);
    }

    [Fact]
    public async Task Over_a_stream_that_completes_later_large_and_small_events_arrive_whole()
    {
        var stream = new RecordingStream { Asynchronous = true };
        string large = string.Concat(Enumerable.Range(0, 30_000).Select(i => i % 9 == 0 ? "é\n" : "abc"));
        await using (var writer = new SseWriter(stream, SseFlushPolicy.Coalesce(TimeSpan.FromHours(1), maxBufferedBytes: 100), leaveOpen: true))
        {
            await writer.WriteEventAsync("small");
            await writer.WriteEventAsync(large, id: "big");
            await writer.WriteEventAsync("last");
        }

        Assert.Equal(
            [new Decoded.Event("message", "small", ""), new Decoded.Event("message", large, "big"), new Decoded.Event("message", "last", "big")],
            Decoded.Parse(Encoding.UTF8.GetBytes(stream.Text)));
    }

    /// <summary>A write-only stream that records what reaches it, and can complete its writes asynchronously.</summary>
    private sealed class RecordingStream : Stream
    {
        private readonly MemoryStream _written = new();

        public bool Asynchronous { get; init; }

        public int Flushes { get; private set; }

        public bool Disposed { get; private set; }

        public string Text => Encoding.UTF8.GetString(_written.ToArray());

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => _written.Write(buffer, offset, count);

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (Asynchronous)
            {
                await Task.Yield();
            }

            _written.Write(buffer.Span);
        }

        public override void Flush() => Flushes++;

        public override async Task FlushAsync(CancellationToken cancellationToken)
        {
            if (Asynchronous)
            {
                await Task.Yield();
            }

            Flushes++;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }
}

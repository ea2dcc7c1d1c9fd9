using System.Buffers;
using System.Diagnostics;
using System.Reflection;
using System.IO.Pipelines;
using System.Text;
using SseCodec.Reference;

namespace SseCodec.Tests.Parser;

/// <summary>
/// After warm-up, reading events allocates nothing, whatever their shape and however the bytes are split.
/// Each shape is 10,000 events; every event's type (as a string), data and ID bytes are touched.
/// </summary>
public class AllocationTests
{
    private const int EventCount = 10_000;

    public static TheoryData<string> Shapes => new() { "data-only", "typed", "multi-line", "crlf", "comments", "retry" };

    private static byte[] Stream(string shape)
    {
        var text = new StringBuilder();
        for (int i = 0; i < EventCount; i++)
        {
            switch (shape)
            {
                case "data-only":
                    text.Append("data: {\"id\":\"chatcmpl-9\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"delta\":{\"content\":\"token ").Append(i).Append("\"}}]}\n\n");
                    break;
                case "typed":
                    text.Append("event: ").Append(i % 3 == 0 ? "tick" : "trade").Append("\nid: ").Append(i).Append("\ndata: {\"px\":").Append(i).Append("}\n\n");
                    break;
                case "multi-line":
                    text.Append("data: line one ").Append(i).Append("\ndata: line two\ndata:\ndata: line four\n\n");
                    break;
                case "crlf":
                    text.Append("event: update\r\nid: ").Append(i).Append("\r\ndata: payload ").Append(i).Append("\r\n\r\n");
                    break;
                case "comments":
                    text.Append(": keep-alive\n").Append("data: x").Append(i).Append("\n: another\n\n");
                    break;
                case "retry":
                    text.Append("retry: ").Append(1000 + i).Append("\ndata: r\n\n");
                    break;
            }
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>
    /// Runs twice to warm up, then measures three runs and returns the least: a tier-up of the JIT may land in one
    /// measured run, but an allocation per event shows in every run.
    /// </summary>
    private static long MeasureAfterWarmUp(Func<int> run)
    {
        Assert.Equal(EventCount, run());
        Assert.Equal(EventCount, run());
        long least = long.MaxValue;
        for (int i = 0; i < 3; i++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            int events = run();
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal(EventCount, events);
            least = Math.Min(least, allocated);
        }

        return least;
    }

    private static int Touch(in SseEvent e) =>
        e.Data.Length + e.EventTypeUtf8.Length + e.EventType.Length + e.LastEventIdUtf8.Length;

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Span_input_allocates_nothing_per_event(string shape)
    {
        byte[] bytes = Stream(shape);
        using var decoder = new SseDecoder();
        long allocated = MeasureAfterWarmUp(() =>
        {
            decoder.Reset();
            int count = 0;
            ReadOnlySpan<byte> rest = bytes;
            while (decoder.TryReadEvent(rest, out int consumed, out SseEvent e))
            {
                rest = rest.Slice(consumed);
                Touch(e);
                count++;
            }

            return count;
        });
        Assert.Equal(0, allocated);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Sequence_input_allocates_nothing_per_event(string shape)
    {
        ReadOnlySequence<byte> whole = new(Stream(shape));
        using var decoder = new SseDecoder();
        long allocated = MeasureAfterWarmUp(() => ReadAll(decoder, whole));
        Assert.Equal(0, allocated);
    }

    [Theory]
    [InlineData("data-only", 1)]
    [InlineData("data-only", 7)]
    [InlineData("typed", 7)]
    [InlineData("multi-line", 7)]
    [InlineData("crlf", 1)]
    [InlineData("crlf", 7)]
    [InlineData("comments", 7)]
    [InlineData("data-only", 4096)]
    public void Events_split_across_segments_allocate_nothing(string shape, int segmentSize)
    {
        ReadOnlySequence<byte> segmented = Segmenter.ToSequence(Segmenter.FixedSize(Stream(shape), segmentSize));
        using var decoder = new SseDecoder();
        long allocated = MeasureAfterWarmUp(() => ReadAll(decoder, segmented));
        Assert.Equal(0, allocated);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void SseReader_over_a_pipe_allocates_nothing_per_event(string shape)
    {
        byte[] bytes = Stream(shape);

        // One pipe, reset between runs: a new Pipe grows its own segment pool once, which is the pipe's cost, not the reader's.
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        pipe.Writer.Complete();
        pipe.Reader.Complete();
        Assert.Equal(EventCount, CountEvents(FilledPipeReader(pipe, bytes)));
        Assert.Equal(EventCount, CountEvents(FilledPipeReader(pipe, bytes)));

        // The pipe is filled and the reader created before each measurement: only reading is measured.
        long allocated = long.MaxValue;
        int events = 0;
        for (int i = 0; i < 3; i++)
        {
            SseReader reader = FilledPipeReader(pipe, bytes);
            long before = GC.GetAllocatedBytesForCurrentThread();
            events = CountEvents(reader);
            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.Equal(EventCount, events);
        if (IsOptimized)
        {
            Assert.Equal(0, allocated);
        }
        else
        {
            // A Debug build of the library makes each async state machine a class: one box per read, nothing else.
            Assert.InRange(allocated, 0, events * 256L);
        }
    }

    private static bool IsOptimized =>
        typeof(SseReader).Assembly.GetCustomAttribute<DebuggableAttribute>()?.IsJITOptimizerDisabled != true;

    private static SseReader FilledPipeReader(Pipe pipe, byte[] bytes)
    {
        pipe.Reset();
        pipe.Writer.Write(bytes);
        pipe.Writer.Complete();
        return new SseReader(pipe.Reader);
    }

    private static int CountEvents(SseReader reader)
    {
        int count = 0;
        while (true)
        {
            ValueTask<bool> read = reader.ReadAsync();
            Assert.True(read.IsCompletedSuccessfully, "a read over buffered bytes completes synchronously");
            if (!read.Result)
            {
                break;
            }

            Touch(reader.Current);
            count++;
        }

        reader.Dispose();
        return count;
    }

    private static int ReadAll(SseDecoder decoder, ReadOnlySequence<byte> input)
    {
        decoder.Reset();
        int count = 0;
        while (decoder.TryReadEvent(ref input, out SseEvent e))
        {
            Touch(e);
            count++;
        }

        return count;
    }
}

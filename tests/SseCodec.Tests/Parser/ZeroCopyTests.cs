using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.InteropServices;
using System.Text;
using SseCodec.Reference;

namespace SseCodec.Tests.Parser;

/// <summary>A single data line that lies in one segment is handed out where it lies; otherwise it is copied once.</summary>
public class ZeroCopyTests
{
    [Fact]
    public void Memory_input_hands_out_a_slice_of_the_input()
    {
        byte[] input = Encoding.UTF8.GetBytes("event: x\ndata: payload\n\n");
        using var decoder = new SseDecoder();
        Assert.True(decoder.TryReadEvent(input.AsMemory(), out _, out SseEvent e));
        Assert.True(MemoryMarshal.TryGetArray(e.DataMemory, out ArraySegment<byte> segment));
        Assert.Same(input, segment.Array);
        Assert.Equal(15, segment.Offset);
        Assert.Equal(7, segment.Count);
    }

    [Fact]
    public void Span_input_is_copied_because_the_span_may_not_outlive_the_call()
    {
        byte[] input = Encoding.UTF8.GetBytes("data: payload\n\n");
        using var decoder = new SseDecoder();
        Assert.True(decoder.TryReadEvent(input.AsSpan(), out _, out SseEvent e));
        Assert.True(MemoryMarshal.TryGetArray(e.DataMemory, out ArraySegment<byte> segment));
        Assert.NotSame(input, segment.Array);
        Assert.Equal("payload", e.GetDataString());
    }

    [Fact]
    public void An_event_across_segments_is_copied_and_still_exact()
    {
        byte[] input = Encoding.UTF8.GetBytes("data: payload\n\n");
        ReadOnlySequence<byte> sequence = Segmenter.ToSequence(Segmenter.FixedSize(input, 4));
        using var decoder = new SseDecoder();
        Assert.True(decoder.TryReadEvent(ref sequence, out SseEvent e));
        Assert.True(MemoryMarshal.TryGetArray(e.DataMemory, out ArraySegment<byte> segment));
        Assert.NotSame(input, segment.Array);
        Assert.Equal("payload", e.GetDataString());
    }

    [Fact]
    public void Multi_line_data_is_joined_in_the_decoder()
    {
        byte[] input = Encoding.UTF8.GetBytes("data: a\ndata: b\n\n");
        using var decoder = new SseDecoder();
        Assert.True(decoder.TryReadEvent(input.AsMemory(), out _, out SseEvent e));
        Assert.True(MemoryMarshal.TryGetArray(e.DataMemory, out ArraySegment<byte> segment));
        Assert.NotSame(input, segment.Array);
        Assert.Equal("a\nb", e.GetDataString());
    }

    [Fact]
    public async Task SseReader_hands_out_the_pipe_memory_for_a_single_line_event()
    {
        var pool = new RecordingMemoryPool();
        var pipe = new Pipe(new PipeOptions(pool: pool));
        await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes("id: 1\ndata: in the pipe\n\n"));
        await pipe.Writer.CompleteAsync();
        await using var reader = new SseReader(pipe.Reader);

        Assert.True(await reader.ReadAsync());
        Assert.True(MemoryMarshal.TryGetArray(reader.Current.DataMemory, out ArraySegment<byte> segment));
        Assert.Contains(segment.Array!, pool.Handed);
        Assert.Equal("in the pipe", reader.Current.GetDataString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SseReader_reads_the_same_events_from_pipe_segments_with_and_without_an_array_behind_them(bool arrayBacked)
    {
        // Small segments, so lines and CRLFs cross them; memory with no array behind it takes the reader's other path.
        var pool = new SmallSegmentPool(segmentSize: 37, arrayBacked);
        var pipe = new Pipe(new PipeOptions(pool: pool, minimumSegmentSize: 37, pauseWriterThreshold: 0));
        var expected = new List<string>();
        var stream = new StringBuilder();
        for (int i = 0; i < 200; i++)
        {
            string data = $"event {i} " + new string('x', i % 90);
            expected.Add(data);
            stream.Append(i % 3 == 0 ? $"id: {i}\r\ndata: {data}\r\n\r\n" : i % 3 == 1 ? $"data: {data}\n\n" : $"data: {data}\r\r");
        }

        await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes(stream.ToString()));
        await pipe.Writer.CompleteAsync();
        await using var reader = new SseReader(pipe.Reader);
        var read = new List<string>();
        while (await reader.ReadAsync())
        {
            read.Add(reader.Current.GetDataString());
        }

        Assert.True(pool.Rented > 100, $"the stream took {pool.Rented} segments");
        Assert.Equal(expected, read);
        Assert.Equal("198", reader.LastEventId);
    }

    /// <summary>A pool of small segments, optionally of memory that has no array behind it (as native memory has none).</summary>
    private sealed class SmallSegmentPool(int segmentSize, bool arrayBacked) : MemoryPool<byte>
    {
        public int Rented { get; private set; }

        public override int MaxBufferSize => segmentSize;

        public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
        {
            Rented++;
            var array = new byte[Math.Max(minBufferSize, segmentSize)];
            return arrayBacked ? new Owner(array) : new ArrayHidingManager(array);
        }

        protected override void Dispose(bool disposing) { }

        private sealed class Owner(byte[] array) : IMemoryOwner<byte>
        {
            public Memory<byte> Memory => array;

            public void Dispose() { }
        }

        /// <summary>Memory over an array that <see cref="MemoryMarshal.TryGetArray"/> cannot see.</summary>
        private sealed class ArrayHidingManager(byte[] array) : MemoryManager<byte>
        {
            public override Span<byte> GetSpan() => array;

            public override MemoryHandle Pin(int elementIndex = 0) => throw new NotSupportedException();

            public override void Unpin() { }

            // TryGetArray is not overridden: a MemoryManager's says there is no array.

            protected override void Dispose(bool disposing) { }
        }
    }

    /// <summary>A memory pool that remembers the arrays it hands out.</summary>
    private sealed class RecordingMemoryPool : MemoryPool<byte>
    {
        public List<byte[]> Handed { get; } = [];

        public override int MaxBufferSize => int.MaxValue;

        public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
        {
            byte[] array = new byte[Math.Max(minBufferSize, 4096)];
            Handed.Add(array);
            return new Owner(array);
        }

        protected override void Dispose(bool disposing) { }

        private sealed class Owner(byte[] array) : IMemoryOwner<byte>
        {
            public Memory<byte> Memory => array;

            public void Dispose() { }
        }
    }
}

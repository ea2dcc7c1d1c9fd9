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

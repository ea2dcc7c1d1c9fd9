namespace SseCodec.Benchmarks;

/// <summary>
/// A read-only stream over a byte array that delivers it in chunks of pseudo-random size between
/// <see cref="MinChunk"/> and <see cref="MaxChunk"/> bytes, the way a socket hands out what the network delivered.
/// </summary>
/// <remarks>
/// The sizes come from a fixed seed, so every run and every reader sees the same chunk boundaries. A read returns at
/// most the rest of the current chunk (less if the caller's buffer is smaller, the rest then comes on the next read),
/// never bytes of two chunks: as on a socket, a reader with a big buffer still gets one chunk per read. Reads complete
/// synchronously, as when the data has already arrived; the loopback benchmarks cover real asynchronous reads.
/// </remarks>
public sealed class ChunkedStream : Stream
{
    public const int MinChunk = 512;
    public const int MaxChunk = 16 * 1024;
    public const int Seed = 20_111;

    private readonly byte[] _bytes;
    private readonly int[] _chunkEnds;
    private int _position;
    private int _chunk;

    public ChunkedStream(byte[] bytes)
    {
        _bytes = bytes;
        _chunkEnds = ChunkEnds(bytes.Length);
    }

    /// <summary>Where each chunk of a stream of <paramref name="length"/> bytes ends: always the same for one length.</summary>
    public static int[] ChunkEnds(int length)
    {
        var random = new Random(Seed);
        var ends = new List<int>();
        int end = 0;
        while (end < length)
        {
            end = Math.Min(length, end + random.Next(MinChunk, MaxChunk + 1));
            ends.Add(end);
        }

        return [.. ends];
    }

    /// <summary>How many chunks the stream is delivered in.</summary>
    public int ChunkCount => _chunkEnds.Length;

    /// <summary>Goes back to the first byte and the first chunk, so the next reader sees the same chunks.</summary>
    public ChunkedStream Rewound()
    {
        _position = 0;
        _chunk = 0;
        return this;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => _bytes.Length;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_chunk == _chunkEnds.Length || buffer.IsEmpty)
        {
            return 0;
        }

        int length = Math.Min(buffer.Length, _chunkEnds[_chunk] - _position);
        _bytes.AsSpan(_position, length).CopyTo(buffer);
        _position += length;
        if (_position == _chunkEnds[_chunk])
        {
            _chunk++;
        }

        return length;
    }

    public override int ReadByte()
    {
        Span<byte> one = stackalloc byte[1];
        return Read(one) == 1 ? one[0] : -1;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        cancellationToken.IsCancellationRequested ? ValueTask.FromCanceled<int>(cancellationToken) : new(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

using System.Runtime.InteropServices;
using SseCodec.Reference;

namespace SseCodec.Testing;

/// <summary>
/// A read-only stream over fixed content, as a network stream delivers it: a read returns at most
/// <c>maxBytesPerRead</c> bytes and never crosses a segment boundary of the content, and completes either
/// synchronously or after a yield. It records where each read ended and which arrays it was asked to fill, and can
/// stall once at an offset until the stalled read is canceled. <see cref="Endless"/> makes one that repeats its
/// content forever instead: a peer that never stops sending.
/// </summary>
/// <remarks>
/// Whatever it records is allocated when it is made, so that a test measuring a reader's allocations per read sees
/// none from the stream.
/// </remarks>
public sealed class ChunkedReadStream : Stream
{
    /// <summary>A read returns as many bytes as the caller has room for (within a segment).</summary>
    public const int Unlimited = int.MaxValue;

    private readonly byte[] _content;
    private readonly int[] _segmentEnds;
    private readonly int _maxBytesPerRead;
    private readonly bool _yield;
    private readonly bool _repeat;

    // Whether a read ended at each offset (finite content only): which bytes came in one read.
    private readonly bool[]? _readEndsAt;
    private readonly HashSet<byte[]> _filled = new(ReferenceEqualityComparer.Instance);
    private readonly TaskCompletionSource _stallReached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _stallAt;
    private int _position;
    private int _segment;
    private byte[]? _lastFilled;

    public ChunkedReadStream(byte[] content, int maxBytesPerRead, bool completeAsynchronously, int stallAt = -1)
        : this(content, [content.Length], maxBytesPerRead, completeAsynchronously, stallAt, repeat: false)
    {
    }

    public ChunkedReadStream(Segmentation segments, int maxBytesPerRead, bool completeAsynchronously, int stallAt = -1)
        : this(segments.Join(), SegmentEnds(segments), maxBytesPerRead, completeAsynchronously, stallAt, repeat: false)
    {
    }

    private ChunkedReadStream(byte[] content, int[] segmentEnds, int maxBytesPerRead, bool completeAsynchronously, int stallAt, bool repeat)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytesPerRead, 1);
        _content = content;
        _segmentEnds = segmentEnds;
        _maxBytesPerRead = maxBytesPerRead;
        _yield = completeAsynchronously;
        _stallAt = stallAt;
        _repeat = repeat;
        _readEndsAt = repeat ? null : new bool[content.Length + 1];
    }

    /// <summary>
    /// A stream that repeats <paramref name="pattern"/> forever, each read filling what the caller has room for up to
    /// <paramref name="maxBytesPerRead"/>, at once. It records nothing but the bytes it delivered.
    /// </summary>
    public static ChunkedReadStream Endless(byte[] pattern, int maxBytesPerRead = Unlimited)
    {
        ArgumentOutOfRangeException.ThrowIfZero(pattern.Length);
        return new(pattern, [pattern.Length], maxBytesPerRead, completeAsynchronously: false, stallAt: -1, repeat: true);
    }

    public int Reads { get; private set; }

    /// <summary>How many bytes the reads returned in all.</summary>
    public long BytesRead { get; private set; }

    public bool IsDisposed { get; private set; }

    /// <summary>Completes when a read waits at the stall offset.</summary>
    public Task StallReached => _stallReached.Task;

    /// <summary>Whether a read was asked to fill <paramref name="array"/>.</summary>
    public bool Filled(byte[]? array) => array is not null && _filled.Contains(array);

    /// <summary>Whether the bytes from <paramref name="start"/> up to <paramref name="end"/> (exclusive) came in one read.</summary>
    public bool DeliveredInOneRead(int start, int end)
    {
        if (_readEndsAt is null)
        {
            throw new InvalidOperationException("An endless stream does not record its reads.");
        }

        if (end > _position)
        {
            return false;
        }

        // One read delivered them all when no read ended between the first byte and the last.
        for (int offset = start + 1; offset < end; offset++)
        {
            if (_readEndsAt[offset])
            {
                return false;
            }
        }

        return true;
    }

    public override bool CanRead => !IsDisposed;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (_position == _stallAt)
        {
            throw new InvalidOperationException("A synchronous read cannot stall: it could not be canceled.");
        }

        return Deliver(buffer);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        if (_yield)
        {
            await Task.Yield();
        }

        if (_position == _stallAt)
        {
            _stallReached.TrySetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            finally
            {
                // The stall is over once the read that waited in it has been canceled.
                _stallAt = -1;
            }
        }

        if (_readEndsAt is not null && MemoryMarshal.TryGetArray(buffer, out ArraySegment<byte> target) && !ReferenceEquals(target.Array, _lastFilled))
        {
            _lastFilled = target.Array;
            _filled.Add(target.Array!);
        }

        return Deliver(buffer.Span);
    }

    // The netstandard2.0 builds read through this overload (their Stream has no other).
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int Deliver(Span<byte> buffer)
    {
        Reads++;
        int count = _repeat ? DeliverRepeating(buffer) : DeliverOnce(buffer);
        BytesRead += count;
        return count;
    }

    private int DeliverOnce(Span<byte> buffer)
    {
        while (_segment < _segmentEnds.Length && _segmentEnds[_segment] == _position)
        {
            _segment++;
        }

        if (_segment == _segmentEnds.Length || buffer.IsEmpty)
        {
            return 0;
        }

        int count = Math.Min(Math.Min(buffer.Length, _maxBytesPerRead), _segmentEnds[_segment] - _position);
        if (_stallAt > _position)
        {
            count = Math.Min(count, _stallAt - _position);
        }

        _content.AsSpan(_position, count).CopyTo(buffer);
        _position += count;
        _readEndsAt![_position] = true;
        return count;
    }

    private int DeliverRepeating(Span<byte> buffer)
    {
        int count = Math.Min(buffer.Length, _maxBytesPerRead);
        for (int filled = 0; filled < count;)
        {
            int length = Math.Min(count - filled, _content.Length - _position);
            _content.AsSpan(_position, length).CopyTo(buffer[filled..]);
            filled += length;
            _position = (_position + length) % _content.Length;
        }

        return count;
    }

    private static int[] SegmentEnds(Segmentation segments)
    {
        var ends = new List<int>();
        int end = 0;
        foreach (byte[] segment in segments.Segments)
        {
            end += segment.Length;
            ends.Add(end);
        }

        return [.. ends];
    }

    protected override void Dispose(bool disposing)
    {
        IsDisposed = true;
        base.Dispose(disposing);
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

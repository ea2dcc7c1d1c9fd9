using System.Runtime.InteropServices;
using SseCodec.Reference;

namespace SseCodec.Tests.Infrastructure;

/// <summary>
/// A read-only stream over fixed content, as a network stream delivers it: a read returns at most
/// <c>maxBytesPerRead</c> bytes and never crosses a segment boundary of the content, and completes either
/// synchronously or after a yield. It records where each read ended and which arrays it was asked to fill, and can
/// stall once at an offset until the stalled read is canceled.
/// </summary>
internal sealed class ChunkedReadStream : Stream
{
    /// <summary>A read returns as many bytes as the caller has room for (within a segment).</summary>
    public const int Unlimited = int.MaxValue;

    private readonly byte[] _content;
    private readonly int[] _segmentEnds;
    private readonly int _maxBytesPerRead;
    private readonly bool _yield;
    private readonly List<int> _readEnds = [];
    private readonly HashSet<byte[]> _filled = new(ReferenceEqualityComparer.Instance);
    private readonly TaskCompletionSource _stallReached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _stallAt;
    private int _position;
    private int _segment;
    private byte[]? _lastFilled;

    public ChunkedReadStream(byte[] content, int maxBytesPerRead, bool completeAsynchronously, int stallAt = -1)
        : this(content, [content.Length], maxBytesPerRead, completeAsynchronously, stallAt)
    {
    }

    public ChunkedReadStream(Segmentation segments, int maxBytesPerRead, bool completeAsynchronously, int stallAt = -1)
        : this(segments.Join(), SegmentEnds(segments), maxBytesPerRead, completeAsynchronously, stallAt)
    {
    }

    private ChunkedReadStream(byte[] content, int[] segmentEnds, int maxBytesPerRead, bool completeAsynchronously, int stallAt)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytesPerRead, 1);
        _content = content;
        _segmentEnds = segmentEnds;
        _maxBytesPerRead = maxBytesPerRead;
        _yield = completeAsynchronously;
        _stallAt = stallAt;
    }

    public int Reads { get; private set; }

    public bool IsDisposed { get; private set; }

    /// <summary>Completes when a read waits at the stall offset.</summary>
    public Task StallReached => _stallReached.Task;

    /// <summary>Whether a read was asked to fill <paramref name="array"/>.</summary>
    public bool Filled(byte[]? array) => array is not null && _filled.Contains(array);

    /// <summary>Whether the bytes from <paramref name="start"/> up to <paramref name="end"/> (exclusive) came in one read.</summary>
    public bool DeliveredInOneRead(int start, int end)
    {
        // The read that delivered byte `start` is the first whose end lies beyond it.
        int index = _readEnds.BinarySearch(start + 1);
        if (index < 0)
        {
            index = ~index;
        }

        return index < _readEnds.Count && _readEnds[index] >= end;
    }

    public override bool CanRead => !IsDisposed;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => _position; set => throw new NotSupportedException(); }

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

        if (MemoryMarshal.TryGetArray(buffer, out ArraySegment<byte> target) && !ReferenceEquals(target.Array, _lastFilled))
        {
            _lastFilled = target.Array;
            _filled.Add(target.Array!);
        }

        return Deliver(buffer.Span);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int Deliver(Span<byte> buffer)
    {
        Reads++;
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
        _readEnds.Add(_position);
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

using System.Buffers;
using System.IO.Pipelines;

namespace SseCodec;

/// <summary>
/// A <see cref="PipeWriter"/> over a <see cref="Stream"/> for <see cref="SseWriter"/>: one pooled buffer, kept from
/// flush to flush, written to the stream and flushed at each <see cref="FlushAsync"/>. An event stream flushes after
/// nearly every event; <see cref="PipeWriter.Create(Stream, StreamPipeWriterOptions?)"/> returns its buffer to the
/// pool and takes a new one each time, and runs an async state machine even when the stream completes at once.
/// </summary>
internal sealed class StreamBufferWriter : PipeWriter
{
    private const int InitialSize = 4096;

    /// <summary>A buffer grown past this (by a large event) goes back to the pool at the next flush.</summary>
    private const int MaxRetainedSize = 64 * 1024;

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private byte[] _buffer;
    private int _buffered;
    private bool _cancelNextFlush;
    private bool _completed;

    public StreamBufferWriter(Stream stream, bool leaveOpen)
    {
        _stream = stream;
        _leaveOpen = leaveOpen;
        _buffer = [];
    }

    public override bool CanGetUnflushedBytes => true;

    public override long UnflushedBytes => _buffered;

    public override void Advance(int bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bytes, _buffer.Length - _buffered);
        _buffered += bytes;
    }

    public override Memory<byte> GetMemory(int sizeHint = 0)
    {
        // Reserved first: it may replace the buffer.
        int start = Reserve(sizeHint);
        return _buffer.AsMemory(start);
    }

    public override Span<byte> GetSpan(int sizeHint = 0)
    {
        int start = Reserve(sizeHint);
        return _buffer.AsSpan(start);
    }

    /// <summary>Cancels the next flush (one already writing to the stream runs to its end).</summary>
    public override void CancelPendingFlush() => _cancelNextFlush = true;

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        if (_cancelNextFlush)
        {
            _cancelNextFlush = false;
            return new ValueTask<FlushResult>(new FlushResult(isCanceled: true, isCompleted: false));
        }

        if (_buffered == 0)
        {
            return default;
        }

        // A stream that completes at once, the usual case for a response body with room in its buffers: no state machine.
        ValueTask write = _stream.WriteAsync(_buffer.AsMemory(0, _buffered), cancellationToken);
        if (write.IsCompletedSuccessfully)
        {
            // Observed, so that a stream's pooled operation is released.
            write.GetAwaiter().GetResult();
            Task flush = _stream.FlushAsync(cancellationToken);
            if (flush.IsCompletedSuccessfully)
            {
                Written();
                return default;
            }

            return AwaitFlushAsync(flush);
        }

        return AwaitWriteAsync(write, cancellationToken);
    }

    public override void Complete(Exception? exception = null)
    {
        if (_completed)
        {
            return;
        }

        _completed = true;
        try
        {
            if (exception is null && _buffered > 0)
            {
                _stream.Write(_buffer, 0, _buffered);
                _stream.Flush();
            }
        }
        finally
        {
            ReturnBuffer();
            if (!_leaveOpen)
            {
                _stream.Dispose();
            }
        }
    }

    public override async ValueTask CompleteAsync(Exception? exception = null)
    {
        if (_completed)
        {
            return;
        }

        _completed = true;
        try
        {
            if (exception is null && _buffered > 0)
            {
                await _stream.WriteAsync(_buffer.AsMemory(0, _buffered)).ConfigureAwait(false);
                await _stream.FlushAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            ReturnBuffer();
            if (!_leaveOpen)
            {
                await _stream.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async ValueTask<FlushResult> AwaitWriteAsync(ValueTask write, CancellationToken cancellationToken)
    {
        await write.ConfigureAwait(false);
        await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        Written();
        return default;
    }

    private async ValueTask<FlushResult> AwaitFlushAsync(Task flush)
    {
        await flush.ConfigureAwait(false);
        Written();
        return default;
    }

    /// <summary>Forgets what reached the stream, and lets go of a buffer a large event grew.</summary>
    private void Written()
    {
        _buffered = 0;
        if (_buffer.Length > MaxRetainedSize)
        {
            ReturnBuffer();
        }
    }

    /// <summary>Makes room for at least <paramref name="sizeHint"/> bytes (one if zero).</summary>
    /// <returns>Where the room starts.</returns>
    private int Reserve(int sizeHint)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(sizeHint);
        int needed = Math.Max(sizeHint, 1);
        if (_buffer.Length - _buffered < needed)
        {
            Grow(needed);
        }

        return _buffered;
    }

    private void Grow(int needed)
    {
        int size = Math.Max(Math.Max(InitialSize, _buffer.Length * 2), checked(_buffered + needed));
        byte[] larger = ArrayPool<byte>.Shared.Rent(size);
        _buffer.AsSpan(0, _buffered).CopyTo(larger);
        ReturnBuffer();
        _buffer = larger;
    }

    private void ReturnBuffer()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }
}

using System.Buffers;

namespace SseCodec;

// Input from a Stream: read into a pooled buffer of the reader's own and parse events where they lie. A line whose end
// has not arrived stays at the front of the buffer and more is read after it; the buffer grows only for a line longer
// than itself, so events are parsed on the single-buffer path and cross buffers only where a line does.
public sealed partial class SseReader
{
    // Large enough that a read from a fast stream is worth its call, small enough to stay in the cache.
    private const int InitialStreamBufferSize = 16 * 1024;

    // Less room than this after the held bytes is not worth a read of its own: the held bytes move or the buffer grows.
    private const int MinimumReadSize = 4 * 1024;

    private readonly Stream? _stream;
    private readonly ArrayPool<byte>? _pool;
    private readonly int _maxLineLength;
    private byte[]? _streamBuffer;
    private int _bufferStart;
    private int _bufferEnd;
    private bool _streamEnded;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private SseItemKind TryReadStreamBuffer(bool allItems)
    {
        if (_bufferStart >= _bufferEnd)
        {
            return SseItemKind.None;
        }

        SseItemKind kind = _decoder.ReadBuffered(_streamBuffer!, _bufferStart, _bufferEnd - _bufferStart, allItems, holdPartialLine: true, out int consumed);
        _bufferStart += consumed;
        return kind;
    }

#if NET
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
#endif
    private async ValueTask<SseItemKind> ReadStreamAsync(bool allItems, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Stream stream = _stream!;
        while (true)
        {
            if (_streamEnded)
            {
                // Spec: "Once the end of the file is reached, any pending data must be discarded." A held partial line is such data.
                _bufferStart = _bufferEnd;
                _decoder.Complete();
                return SseItemKind.None;
            }

            Memory<byte> free = PrepareToRead();
            int read = await stream.ReadAsync(free, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                _streamEnded = true;
                continue;
            }

            _bufferEnd += read;
            SseItemKind kind = TryReadStreamBuffer(allItems);
            if (kind != SseItemKind.None)
            {
                return kind;
            }
        }
    }

    /// <summary>Makes room after the bytes still held (the start of a line) and returns it.</summary>
    private Memory<byte> PrepareToRead()
    {
        int held = _bufferEnd - _bufferStart;
        if (held == 0)
        {
            _bufferStart = _bufferEnd = 0;
        }

        byte[]? buffer = _streamBuffer;
        if (buffer is null)
        {
            buffer = _streamBuffer = _pool!.Rent(InitialStreamBufferSize);
        }
        else if (buffer.Length - _bufferEnd < MinimumReadSize)
        {
            // Little room left after the held line. A line that takes more than half the buffer is likely long: grow
            // (by four, so a long line is copied little more than once in all); otherwise move it to the front.
            int grownSize = (int)Math.Min(Math.Min((long)buffer.Length * 4, (long)_maxLineLength + 1), Array.MaxLength);
            if (held > buffer.Length / 2 && grownSize > buffer.Length)
            {
                // The decoder fails a line longer than the limit, so the buffer never has to hold more than the limit and one byte.
                byte[] grown = _pool!.Rent(grownSize);
                buffer.AsSpan(_bufferStart, held).CopyTo(grown);
                _pool.Return(buffer);
                buffer = _streamBuffer = grown;
                _bufferStart = 0;
                _bufferEnd = held;
            }
            else if (_bufferStart > 0)
            {
                buffer.AsSpan(_bufferStart, held).CopyTo(buffer);
                _bufferStart = 0;
                _bufferEnd = held;
            }
        }

        Debug.Assert(_bufferEnd < buffer.Length, "A line longer than the limit is rejected before it fills the largest buffer.");
        return buffer.AsMemory(_bufferEnd);
    }

    private void ReleaseStreamBuffer()
    {
        if (_streamBuffer is { } buffer)
        {
            _streamBuffer = null;
            _bufferStart = _bufferEnd = 0;
            _pool!.Return(buffer);
        }
    }
}

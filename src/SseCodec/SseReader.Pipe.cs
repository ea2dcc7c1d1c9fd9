using System.Buffers;
using System.IO.Pipelines;

namespace SseCodec;

// Input from a PipeReader: parse each segment of the pipe's buffer where it lies, one after another (a partial line at
// a segment's end is kept by the decoder), and hand the pipe back only when every segment was consumed, so consumed and
// examined are always the end and the reader never waits on bytes it has already seen.
public sealed partial class SseReader
{
    private readonly PipeReader? _pipe;
    private ReadOnlySequence<byte> _pipeBuffer;
    private SequencePosition _segmentStart;
    private SequencePosition _nextSegment;
    private ReadOnlyMemory<byte> _segment;
    private int _segmentConsumed;

    // The array behind _segment, when it has one (a pipe's segments usually do): events are then parsed through the
    // decoder's array form, which skips making and unwrapping memory per event.
    private byte[]? _segmentArray;
    private int _segmentArrayOffset;
    private bool _holdingPipeBuffer;
    private bool _pipeCompleted;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private SseItemKind TryReadPipeBuffer(bool allItems)
    {
        if (!_holdingPipeBuffer)
        {
            return SseItemKind.None;
        }

        while (true)
        {
            int length = _segment.Length;
            if (_segmentConsumed < length)
            {
                // The item may point into the segment: the pipe's buffer is kept until the next read.
                int consumed;
                SseItemKind kind = _segmentArray is { } array
                    ? _decoder.ReadBuffered(array, _segmentArrayOffset + _segmentConsumed, length - _segmentConsumed, allItems, holdPartialLine: false, out consumed)
                    : _decoder.ReadBuffered(_segment.Slice(_segmentConsumed), allItems, holdPartialLine: false, out consumed);
                _segmentConsumed += consumed;
                if (kind != SseItemKind.None)
                {
                    return kind;
                }
            }

            _segmentStart = _nextSegment;
            _segmentConsumed = 0;
            if (!_pipeBuffer.TryGet(ref _nextSegment, out _segment))
            {
                _segment = default;
                _segmentArray = null;
                return SseItemKind.None;
            }

            if (MemoryMarshal.TryGetArray(_segment, out ArraySegment<byte> segmentArray))
            {
                _segmentArray = segmentArray.Array;
                _segmentArrayOffset = segmentArray.Offset;
            }
            else
            {
                _segmentArray = null;
            }
        }
    }

#if NET
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
#endif
    private async ValueTask<SseItemKind> ReadPipeAsync(bool allItems, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        PipeReader pipe = _pipe!;
        while (true)
        {
            if (_holdingPipeBuffer)
            {
                // The decoder consumed everything, a partial line included: consumed and examined are both the end.
                _holdingPipeBuffer = false;
                pipe.AdvanceTo(_pipeBuffer.End);
            }

            if (_pipeCompleted)
            {
                _decoder.Complete();
                return SseItemKind.None;
            }

            ReadResult result = await pipe.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (result.IsCanceled)
            {
                pipe.AdvanceTo(result.Buffer.Start);
                throw new OperationCanceledException("The pipe's pending read was canceled.");
            }

            _pipeBuffer = result.Buffer;
            _segmentStart = _nextSegment = _pipeBuffer.Start;
            _segment = default;
            _segmentArray = null;
            _segmentConsumed = 0;
            _holdingPipeBuffer = true;
            _pipeCompleted = result.IsCompleted;

            SseItemKind kind = TryReadPipeBuffer(allItems);
            if (kind != SseItemKind.None)
            {
                return kind;
            }
        }
    }

    private void ReleasePipeBuffer()
    {
        if (_holdingPipeBuffer)
        {
            // Give back what was not consumed, unexamined, so whoever reads the pipe next sees it at once.
            _holdingPipeBuffer = false;
            _segmentArray = null;
            _pipe!.AdvanceTo(_pipeBuffer.GetPosition(_segmentConsumed, _segmentStart));
        }
    }
}

using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;

namespace SseCodec;

// Input from a PipeReader: parse the pipe's buffer where it lies, segment by segment, and hand the pipe back only when
// everything in it was consumed (a partial line is kept by the decoder), so consumed and examined are always the end.
public sealed partial class SseReader
{
    private readonly PipeReader? _pipe;
    private ReadOnlySequence<byte> _pipeBuffer;
    private bool _holdingPipeBuffer;
    private bool _pipeCompleted;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private SseItemKind TryReadPipeBuffer(bool allItems)
    {
        if (!_holdingPipeBuffer)
        {
            return SseItemKind.None;
        }

        return allItems
            ? _decoder.ReadItem(ref _pipeBuffer)
            : (_decoder.TryReadEvent(ref _pipeBuffer, out _) ? SseItemKind.Event : SseItemKind.None);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
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
            _holdingPipeBuffer = true;
            _pipeCompleted = result.IsCompleted;

            // The item may point into the pipe's memory: the buffer is kept until the next read.
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
            _pipe!.AdvanceTo(_pipeBuffer.Start);
        }
    }
}

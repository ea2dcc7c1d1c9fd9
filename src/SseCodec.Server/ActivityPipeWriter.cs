using System.IO.Pipelines;

namespace SseCodec.Server;

/// <summary>
/// A pass-through <see cref="PipeWriter"/> that remembers when bytes were last written (for heartbeats) and that can be
/// abandoned: after <see cref="Abandon"/>, a pending flush is canceled and later flushes return at once, so that a
/// stream whose client stopped reading can always be torn down.
/// </summary>
internal sealed class ActivityPipeWriter : PipeWriter
{
    private readonly PipeWriter _inner;
    private readonly TimeProvider _time;
    private readonly Action<ActivityPipeWriter>? _onReaderCompleted;
    private volatile bool _abandoned;
    private long _lastWrite;

    public ActivityPipeWriter(PipeWriter inner, TimeProvider time, Action<ActivityPipeWriter>? onReaderCompleted)
    {
        _inner = inner;
        _time = time;
        _onReaderCompleted = onReaderCompleted;
        _lastWrite = time.GetTimestamp();
    }

    /// <summary>The <see cref="TimeProvider.GetTimestamp"/> of the last write.</summary>
    public long LastWrite => Volatile.Read(ref _lastWrite);

    /// <summary>Bytes handed to the inner writer.</summary>
    public long BytesWritten { get; private set; }

    public bool IsAbandoned => _abandoned;

    public void Abandon()
    {
        _abandoned = true;
        _inner.CancelPendingFlush();
    }

    public override void Advance(int bytes)
    {
        _inner.Advance(bytes);
        BytesWritten += bytes;
        Volatile.Write(ref _lastWrite, _time.GetTimestamp());
    }

    public override Memory<byte> GetMemory(int sizeHint = 0) => _inner.GetMemory(sizeHint);

    public override Span<byte> GetSpan(int sizeHint = 0) => _inner.GetSpan(sizeHint);

    public override bool CanGetUnflushedBytes => _inner.CanGetUnflushedBytes;

    public override long UnflushedBytes => _inner.UnflushedBytes;

    public override void CancelPendingFlush() => _inner.CancelPendingFlush();

    public override void Complete(Exception? exception = null)
    {
        // The inner writer belongs to the caller (the response body): it is not completed here.
    }

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        if (_abandoned)
        {
            return new ValueTask<FlushResult>(new FlushResult(isCanceled: false, isCompleted: true));
        }

        ValueTask<FlushResult> flush = _inner.FlushAsync(cancellationToken);
        if (flush.IsCompletedSuccessfully)
        {
            FlushResult result = flush.Result;
            Check(result);
            return new ValueTask<FlushResult>(result);
        }

        return AwaitFlush(flush);
    }

    private async ValueTask<FlushResult> AwaitFlush(ValueTask<FlushResult> flush)
    {
        FlushResult result = await flush.ConfigureAwait(false);
        Check(result);
        return result;
    }

    private void Check(FlushResult result)
    {
        if (result.IsCompleted)
        {
            // The reader (the connection) is gone: nothing more will be sent.
            _onReaderCompleted?.Invoke(this);
        }
    }
}

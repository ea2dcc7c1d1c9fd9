using System.IO.Pipelines;

namespace SseCodec.Server;

/// <summary>
/// A pass-through <see cref="PipeWriter"/> that remembers when bytes were last written (for heartbeats), tells its
/// owner when the connection behind it ends, and can be abandoned: after <see cref="Abandon"/>, a pending flush is
/// canceled and later flushes return at once, so that a stream whose client stopped reading can always be torn down.
/// </summary>
/// <remarks>
/// The connection has ended when a flush reports the reader completed, or fails with one of the exceptions a transport
/// throws for a lost peer: <see cref="IOException"/> (a reset, a broken pipe), <see cref="OperationCanceledException"/>
/// (a server's own abort) or <see cref="ObjectDisposedException"/> (a response already torn down). The failure is
/// still thrown; the owner, told first, reports the stream as ended by the client rather than as failed.
/// </remarks>
internal sealed class ActivityPipeWriter : PipeWriter
{
    private readonly PipeWriter _inner;
    private readonly TimeProvider _time;
    private readonly Action _onConnectionEnded;
    private volatile bool _abandoned;
    private long _lastWrite;

    public ActivityPipeWriter(PipeWriter inner, TimeProvider time, Action onConnectionEnded)
    {
        _inner = inner;
        _time = time;
        _onConnectionEnded = onConnectionEnded;
        _lastWrite = time.GetTimestamp();
    }

    /// <summary>The <see cref="TimeProvider.GetTimestamp"/> of the last write.</summary>
    public long LastWrite => Volatile.Read(ref _lastWrite);

    public void Abandon()
    {
        _abandoned = true;
        _inner.CancelPendingFlush();
    }

    public override void Advance(int bytes)
    {
        _inner.Advance(bytes);
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

        ValueTask<FlushResult> flush;
        try
        {
            flush = _inner.FlushAsync(cancellationToken);
        }
        catch (Exception e) when (IsConnectionLoss(e))
        {
            _onConnectionEnded();
            throw;
        }

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
        FlushResult result;
        try
        {
            result = await flush.ConfigureAwait(false);
        }
        catch (Exception e) when (IsConnectionLoss(e))
        {
            _onConnectionEnded();
            throw;
        }

        Check(result);
        return result;
    }

    private static bool IsConnectionLoss(Exception e) => e is IOException or OperationCanceledException or ObjectDisposedException;

    private void Check(FlushResult result)
    {
        if (result.IsCompleted)
        {
            // The reader (the connection) is gone: nothing more will be sent.
            _onConnectionEnded();
        }
    }
}

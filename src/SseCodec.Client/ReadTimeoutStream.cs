using System.Runtime.CompilerServices;

namespace SseCodec.Client;

/// <summary>
/// A response body whose reads cancel a connection attempt when no byte arrives for the read timeout: the timer runs
/// only while a read waits on the network, so any byte (a heartbeat comment too) resets it, a consumer that is slow
/// between reads is never timed out, and a read the transport answers from its own buffer costs no timer at all.
/// </summary>
/// <remarks>
/// The timeout cancels the connection attempt; the pending read then ends with an <see cref="OperationCanceledException"/>
/// because the reader passes that attempt's token down to this stream. Only asynchronous reads are supported: a
/// synchronous read could not be cancelled by the timer.
/// </remarks>
internal sealed class ReadTimeoutStream : ReadOnlyStream
{
    private readonly Stream _body;
    private readonly ConnectionAttempt _attempt;

    /// <param name="body">The response body; disposed with this stream.</param>
    /// <param name="attempt">The connection attempt the timeout cancels; it has a read timeout.</param>
    public ReadTimeoutStream(Stream body, ConnectionAttempt attempt)
    {
        _body = body;
        _attempt = attempt;
    }

#if NET
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
#else
    // netstandard2.0's Stream has no ReadAsync over Memory to override: the array overload below is what callers reach.
    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
#endif
    {
        ValueTask<int> read = _body.ReadAsync(buffer, cancellationToken);
        if (read.IsCompleted)
        {
            // The bytes were already there: no wait, so nothing to time.
            return read;
        }

        // The wait on the network starts now (a few instructions after the read was issued, which the timeout's
        // resolution does not see).
        _attempt.ArmReadTimeout();
        return AwaitThenDisarmAsync(read);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("The response body is read asynchronously only: the read timeout cancels a pending asynchronous read.");

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _body.Dispose();
        }

        base.Dispose(disposing);
    }

    // Pooled: a stream of small events waits on the network often, and each wait must not allocate.
#if NET
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
#endif
    private async ValueTask<int> AwaitThenDisarmAsync(ValueTask<int> read)
    {
        try
        {
            return await read.ConfigureAwait(false);
        }
        finally
        {
            // A byte (or the end, or a failure) arrived: the consumer's time until the next read is not timed.
            _attempt.DisarmReadTimeout();
        }
    }
}

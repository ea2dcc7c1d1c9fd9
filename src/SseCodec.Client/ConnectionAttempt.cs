namespace SseCodec.Client;

/// <summary>
/// The cancellation of one connection attempt, from the reconnection wait to the end of its response: whatever ends
/// the attempt (the read timeout, the caller's token, <c>Close</c>, <c>Restart</c>) cancels its token, and every
/// timer it arms runs on the client's <see cref="TimeProvider"/>.
/// </summary>
/// <remarks>The one place the client creates timers and delays, so that a fake clock drives all of them.</remarks>
internal sealed class ConnectionAttempt : IDisposable
{
    private readonly CancellationTokenSource _source;
    private readonly TimeProvider _time;
    private readonly TimeSpan _readTimeout;

    /// <param name="time">The clock for the read timeout and the reconnection wait.</param>
    /// <param name="readTimeout">The longest wait for a byte, or <see cref="Timeout.InfiniteTimeSpan"/>.</param>
    public ConnectionAttempt(TimeProvider time, TimeSpan readTimeout)
    {
        _time = time;
        _readTimeout = readTimeout;
#if NET
        _source = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
#else
        _source = time.CreateCancellationTokenSource(Timeout.InfiniteTimeSpan);
#endif
    }

    public CancellationToken Token => _source.Token;

    public bool IsCancellationRequested => _source.IsCancellationRequested;

    /// <summary>Whether reads are timed: <see cref="SseClientOptions.ReadTimeout"/> is finite.</summary>
    public bool HasReadTimeout => _readTimeout != Timeout.InfiniteTimeSpan;

    /// <summary>Starts the read timeout: no byte for that long cancels the attempt. Nothing without a read timeout.</summary>
    public void ArmReadTimeout()
    {
        if (HasReadTimeout)
        {
            _source.CancelAfter(_readTimeout);
        }
    }

    /// <summary>Stops the read timeout: the wait it bounded is over.</summary>
    public void DisarmReadTimeout()
    {
        if (HasReadTimeout)
        {
            _source.CancelAfter(Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Starts the read timeout, or <paramref name="fallback"/> without one: for a wait that must end even when reads are not timed.</summary>
    public void ArmReadTimeoutOr(TimeSpan fallback) => _source.CancelAfter(HasReadTimeout ? _readTimeout : fallback);

    /// <summary>Stops whatever timeout is armed.</summary>
    public void DisarmTimeout() => _source.CancelAfter(Timeout.InfiniteTimeSpan);

    /// <summary>Waits on the client's clock; the attempt's cancellation ends the wait.</summary>
    public Task DelayAsync(TimeSpan delay) => Task.Delay(delay, _time, _source.Token);

    /// <summary>Cancels the attempt when <paramref name="token"/> is cancelled, until the registration is disposed.</summary>
    public CancellationTokenRegistration CancelWhen(CancellationToken token) =>
        token.UnsafeRegister(static state => ((ConnectionAttempt)state!).Cancel(), this);

    /// <summary>Cancels the attempt; nothing if it already ended.</summary>
    public void Cancel()
    {
        try
        {
            _source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The attempt already ended.
        }
    }

    public void Dispose() => _source.Dispose();
}

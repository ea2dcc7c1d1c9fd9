using System.IO.Pipelines;

namespace SseCodec.Server;

/// <summary>
/// One open event stream: an <see cref="SseWriter"/> over the destination, the heartbeat timer and the token that ends
/// the stream (the caller's, the connection ending, or <see cref="Abort"/>).
/// </summary>
internal sealed class SseSession : IAsyncDisposable
{
    private readonly ActivityPipeWriter _pipe;
    private readonly CancellationTokenSource _cts;
    private readonly TimeProvider _time;
    private readonly TimeSpan _heartbeat;
    private readonly TimeSpan? _reconnectionTime;
    private readonly ITimer? _timer;
    private volatile bool _connectionEnded;
    private int _heartbeatInFlight;
    private int _disposed;

    /// <summary>Opens a session with a validated copy of <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public SseSession(PipeWriter destination, SseStreamOptions? options, CancellationToken cancellationToken)
    {
        SseStreamOptions frozen = SseStreamOptions.Freeze(options);
        _time = frozen.TimeProvider ?? TimeProvider.System;
        _reconnectionTime = frozen.ReconnectionTime;
        _cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _pipe = new ActivityPipeWriter(destination, _time, OnConnectionEnded);
        Writer = new SseWriter(_pipe, frozen.FlushPolicy, leaveOpen: true, _time);
        if (frozen.HeartbeatsEnabled)
        {
            _heartbeat = frozen.HeartbeatInterval;
            _timer = _time.CreateTimer(static s => ((SseSession)s!).OnTimer(), this, _heartbeat, Timeout.InfiniteTimeSpan);
        }
    }

    public SseWriter Writer { get; }

    /// <summary>Ends when the stream must stop.</summary>
    public CancellationToken Token => _cts.Token;

    /// <summary>Writes the <c>retry</c> line if one is configured, and flushes so the client sees the response at once.</summary>
    public async ValueTask StartAsync()
    {
        if (_reconnectionTime is { } reconnectionTime)
        {
            await Writer.WriteRetryAsync(reconnectionTime, Token).ConfigureAwait(false);
        }

        await Writer.FlushAsync(Token).ConfigureAwait(false);
    }

    /// <summary>
    /// Whether <paramref name="e"/>, thrown out of the stream, means that the stream was ended (the client went away,
    /// the caller canceled, or <see cref="Abort"/>) rather than that the source failed.
    /// </summary>
    /// <remarks>
    /// Told by type, never by a transport's own exception names: after the destination reported the connection lost
    /// (see <see cref="ActivityPipeWriter"/>), whatever the write threw; once the token is canceled, the exceptions a
    /// canceled write throws.
    /// </remarks>
    public bool IsEndOfStream(Exception e) =>
        _connectionEnded ||
        (Token.IsCancellationRequested && e is OperationCanceledException or IOException or ObjectDisposedException);

    /// <summary>
    /// Stops the stream now: ends <see cref="Token"/> and releases a flush stuck on a client that stopped reading. Safe
    /// to call at any time, from any thread, also after the stream ended and its response was completed.
    /// </summary>
    public void Abort()
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        try
        {
            _pipe.Abandon();
        }
        catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException)
        {
            // The response ended between the check and the call: there is nothing left to release.
        }

        Cancel();
    }

    private void OnConnectionEnded()
    {
        _connectionEnded = true;
        Cancel();
    }

    private void Cancel()
    {
        try
        {
            _cts.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private void OnTimer()
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        TimeSpan idle = _time.GetElapsedTime(_pipe.LastWrite);
        if (idle < _heartbeat)
        {
            TryChange(_heartbeat - idle);
            return;
        }

        // The next check is set before this heartbeat is written, not when its flush ends: a client that stopped
        // reading can hold a flush for long, and the clock alone then decides when the timer fires. A check that finds
        // the last heartbeat still in flight skips its turn.
        TryChange(_heartbeat);
        if (Interlocked.Exchange(ref _heartbeatInFlight, 1) == 0)
        {
            _ = SendHeartbeatAsync();
        }
    }

    private async Task SendHeartbeatAsync()
    {
        try
        {
            await Writer.WriteHeartbeatAsync(Token).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A heartbeat has no caller: a failure means the stream is ending, which its owner sees.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
        finally
        {
            Volatile.Write(ref _heartbeatInFlight, 0);
        }
    }

    private void TryChange(TimeSpan due)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        try
        {
            _timer?.Change(due, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_timer is not null)
        {
            await _timer.DisposeAsync().ConfigureAwait(false);
        }

        if (_cts.IsCancellationRequested)
        {
            // The client is gone or stalled: do not wait on a final flush.
            try
            {
                _pipe.Abandon();
            }
            catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException)
            {
                // The destination's owner already ended it.
            }
        }

        try
        {
            await Writer.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
        }

        _cts.Dispose();
    }
}

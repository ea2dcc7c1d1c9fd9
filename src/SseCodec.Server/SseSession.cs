using System.IO.Pipelines;

namespace SseCodec.Server;

/// <summary>
/// One open event stream: an <see cref="SseWriter"/> over the destination, the heartbeat timer and the token that ends
/// the stream (the caller's, the reader completing, or <see cref="Abort"/>).
/// </summary>
internal sealed class SseSession : IAsyncDisposable
{
    private readonly ActivityPipeWriter _pipe;
    private readonly CancellationTokenSource _cts;
    private readonly TimeProvider _time;
    private readonly TimeSpan _heartbeat;
    private readonly ITimer? _timer;
    private int _heartbeatInFlight;
    private int _disposed;

    public SseSession(PipeWriter destination, SseStreamOptions? options, CancellationToken cancellationToken)
    {
        options ??= SseStreamOptions.Default;
        _time = options.TimeProvider ?? TimeProvider.System;
        _cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _pipe = new ActivityPipeWriter(destination, _time, _ => OnReaderCompleted());
        Writer = new SseWriter(_pipe, options.FlushPolicy, leaveOpen: true, _time);
        Retry = options.Retry;
        if (options.HeartbeatsEnabled)
        {
            _heartbeat = options.HeartbeatInterval;
            _timer = _time.CreateTimer(static s => ((SseSession)s!).OnTimer(), this, _heartbeat, Timeout.InfiniteTimeSpan);
        }
    }

    public SseWriter Writer { get; }

    public TimeSpan? Retry { get; }

    /// <summary>Ends when the stream must stop.</summary>
    public CancellationToken Token => _cts.Token;

    public long BytesWritten => _pipe.BytesWritten;

    public bool ReaderCompleted { get; private set; }

    /// <summary>Writes the <c>retry</c> line if one is configured, and flushes so the client sees the response at once.</summary>
    public async ValueTask StartAsync()
    {
        if (Retry is { } retry)
        {
            await Writer.WriteRetryAsync(retry, Token).ConfigureAwait(false);
        }

        await Writer.FlushAsync(Token).ConfigureAwait(false);
    }

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

    private void OnReaderCompleted()
    {
        ReaderCompleted = true;
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
            TryChange(_heartbeat);
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

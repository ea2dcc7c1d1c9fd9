using System.Runtime.CompilerServices;

namespace SseCodec.Client;

// The reading flow: the loop behind ReadAsync that connects, reads through the connection, and turns each interruption
// into a reconnection, a shutdown or a failure. The public surface is in SseClient.cs.
public sealed partial class SseClient
{
    // The delay the next connection waits first, set when a reconnection is scheduled.
    private TimeSpan? _pendingDelay;

#if NET
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
#endif
    private async ValueTask<bool> ReadCoreAsync(ValueTask<SseItemKind>? firstRead, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                // A read that ReadAsync started is finished first: the connection cannot go while it is pending on it.
                if (firstRead is null && _state.ConsumeRestartRequest())
                {
                    _session.Release(keepDecoder: true);
                    _pendingDelay = null;
                    _reconnect.OnRestart();
                }

                if (_session.Connection is null)
                {
                    if (!await ConnectAsync(cancellationToken).ConfigureAwait(false))
                    {
                        return false;
                    }

                    continue;
                }

                Step step = await ReadFromConnectionAsync(firstRead, cancellationToken).ConfigureAwait(false);
                firstRead = null;
                if (step != Step.Retry)
                {
                    return step == Step.Event;
                }
            }
        }
        finally
        {
            _state.EndRead();
        }
    }

    /// <summary>Waits the pending reconnection delay, then connects.</summary>
    /// <returns><see langword="true"/> when a connection opened or a reconnection is scheduled; <see langword="false"/> when the client closed.</returns>
    private async ValueTask<bool> ConnectAsync(CancellationToken cancellationToken)
    {
        var attempt = new ConnectionAttempt(_time, _readTimeout);
        _state.BeginAttempt(attempt);
        ConnectResult result;
        using (attempt.CancelWhen(cancellationToken))
        {
            try
            {
                if (_pendingDelay is { } delay)
                {
                    _pendingDelay = null;
                    if (delay > TimeSpan.Zero)
                    {
                        await attempt.DelayAsync(delay).ConfigureAwait(false);
                    }

                    // Spec: "If the EventSource object's readyState attribute is not set to CONNECTING, then return."
                    if (_state.ReadyState != SseReadyState.Connecting)
                    {
                        return false;
                    }
                }

                result = await _connector.ConnectAsync(_session.Decoder, attempt, cancellationToken).ConfigureAwait(false);
            }
            catch (SseConnectionException failure)
            {
                throw FailConnection(failure);
            }
            catch (Exception exception) when (exception is OperationCanceledException or HttpRequestException or IOException)
            {
                // A connection that could not be made sent nothing: safe to retry, whatever the method.
                return HandleInterruption(exception, attempt, SseConnector.SentNothing(exception), cancellationToken) != Step.Closed;
            }
        }

        switch (result.Outcome)
        {
            case ConnectOutcome.NoContent:
                Shutdown(SseCloseReason.NoContent);
                return false;
            case ConnectOutcome.ServerError:
                return ScheduleReconnect(SseFailureReason.UnexpectedStatusCode, result.Failure, result.RetryAfter, requestUnsent: true);
        }

        SseConnection connection = result.Connection!;
        _session.Attach(connection);
        if (!_state.TryOpen())
        {
            return false;
        }

        _reconnect.OnOpened();
        _notifier.RaiseOpened(connection.Response);
        return true;
    }

#if NET
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
#endif
    private async ValueTask<Step> ReadFromConnectionAsync(ValueTask<SseItemKind>? firstRead, CancellationToken cancellationToken)
    {
        SseConnection connection = _session.Connection!;
        while (true)
        {
            SseItemKind kind;
            try
            {
                // Comments are parsed out only when someone listens for them. The first read may have been started by ReadAsync.
                ValueTask<SseItemKind> read = firstRead ?? connection.ReadAsync(withComments: _notifier.HasCommentListeners);
                firstRead = null;
                if (read.IsCompletedSuccessfully)
                {
                    kind = read.Result;
                }
                else
                {
                    // Waiting on the network: the caller's token ends the wait too. Registered only here, not per event.
                    using CancellationTokenRegistration registration = connection.Attempt.CancelWhen(cancellationToken);
                    kind = await read.ConfigureAwait(false);
                }
            }
            catch (SseLimitExceededException limit)
            {
                throw FailConnection(new SseConnectionException(
                    SseFailureReason.LimitExceeded,
                    System.Net.HttpStatusCode.OK,
                    connection.Response.Content.Headers.ContentType?.ToString(),
                    $"The event stream at {_url} broke a parser limit: {limit.Message}",
                    limit));
            }
            catch (Exception exception) when (exception is OperationCanceledException or IOException or HttpRequestException)
            {
                return HandleInterruption(exception, connection.Attempt, requestUnsent: false, cancellationToken);
            }

            switch (kind)
            {
                case SseItemKind.Event:
                    _reconnect.OnEvent();
                    return Step.Event;
                case SseItemKind.Comment:
                    _notifier.RaiseComment(connection.CurrentComment);
                    continue;
            }

            // Spec: "When the end of the response body is reached ... the user agent must ... reestablish the connection."
            return ScheduleReconnect(SseFailureReason.EndOfStream, null, retryAfter: null, requestUnsent: false) ? Step.Retry : Step.Closed;
        }
    }

    /// <summary>Decides what a canceled or broken network operation means: shutdown, close, restart, timeout or network error.</summary>
    private Step HandleInterruption(Exception exception, ConnectionAttempt attempt, bool requestUnsent, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            Shutdown(SseCloseReason.Canceled);
            throw new OperationCanceledException("The read was canceled; the client is closed.", exception, cancellationToken);
        }

        switch (_state.ClassifyInterruption())
        {
            case Interruption.Closed:
                return Step.Closed;
            case Interruption.Restart:
                // Handled at the top of the read loop: drop and connect again at once.
                return Step.Retry;
        }

        bool timedOut = exception is OperationCanceledException && attempt.IsCancellationRequested;

        // Spec: "if res is a network error, then reestablish the connection."
        return ScheduleReconnect(timedOut ? SseFailureReason.ReadTimeout : SseFailureReason.NetworkError, timedOut ? null : exception, retryAfter: null, requestUnsent)
            ? Step.Retry
            : Step.Closed;
    }

    /// <summary>
    /// Spec: "When a user agent is to reestablish the connection ... If the readyState attribute is set to CLOSED, abort
    /// the task. Set the readyState attribute to CONNECTING. Fire an event named error at the EventSource object.
    /// Wait a delay equal to the reconnection time of the event source. Optionally, wait some more. In particular, if
    /// the previous attempt failed, then user agents might introduce an exponential backoff delay."
    /// </summary>
    /// <returns><see langword="true"/> when a reconnection is scheduled; <see langword="false"/> when the client closed instead.</returns>
    /// <exception cref="SseConnectionException">The client gives up: a non-idempotent request may not be sent again, or <see cref="SseClientOptions.MaxRetries"/> ran out.</exception>
    private bool ScheduleReconnect(SseFailureReason reason, Exception? exception, TimeSpan? retryAfter, bool requestUnsent)
    {
        switch (_reconnect.Decide(reason, requestUnsent))
        {
            case ReconnectVerdict.EndOfNonIdempotentStream:
                Shutdown(SseCloseReason.Ended);
                return false;
            case ReconnectVerdict.NotResendable:
                throw FailConnection(new SseConnectionException(
                    reason,
                    null,
                    null,
                    $"The {_connector.Method} request to {_url} was interrupted ({reason}: {exception?.Message ?? "no bytes arrived"}) and is not sent again, as it is not idempotent; set SseClientOptions.ResendNonIdempotentRequests to allow it.",
                    exception));
            case ReconnectVerdict.RetriesExhausted:
                throw FailConnection(new SseConnectionException(
                    SseFailureReason.RetriesExhausted,
#if NET
                    (exception as HttpRequestException)?.StatusCode,
#else
                    (exception as SseConnectionException)?.StatusCode,
#endif
                    null,
                    $"Gave up on the event stream at {_url} after {_reconnect.MaxRetries} reconnection(s) in a row without an event (MaxRetries); the last failure: {reason}{(exception is null ? string.Empty : $": {exception.Message}")}",
                    exception));
        }

        _session.Release(keepDecoder: true);
        if (!_state.TryReconnect())
        {
            return true;
        }

        _notifier.RaiseError(reason, exception, willReconnect: true);
        SseDecoder decoder = _session.Decoder;
        (TimeSpan delay, int attempt) = _reconnect.NextDelay(decoder.ReconnectionTime ?? ReconnectionTime, retryAfter);
        _pendingDelay = delay;
        _notifier.RaiseReconnectScheduled(delay, attempt, decoder.LastEventId);
        return true;
    }

    /// <summary>
    /// Spec: "When a user agent is to fail the connection, the user agent must queue a task which, if the readyState
    /// attribute is set to a value other than CLOSED, sets the readyState attribute to CLOSED and fires an event named
    /// error at the EventSource object. Once the user agent has failed the connection, it does not attempt to reconnect."
    /// </summary>
    private SseConnectionException FailConnection(SseConnectionException failure)
    {
        bool announce = _state.MarkClosed();
        _session.Release(keepDecoder: false);
        if (announce)
        {
            _notifier.RaiseError(failure.Reason, failure, willReconnect: false);
            _notifier.RaiseClosed(SseCloseReason.Failed, failure);
        }

        return failure;
    }

    private void Shutdown(SseCloseReason reason)
    {
        bool announce = _state.MarkClosed();
        _session.Release(keepDecoder: false);
        if (announce)
        {
            _notifier.RaiseClosed(reason, null);
        }
    }

    /// <summary>What one read from the open connection came to.</summary>
    private enum Step
    {
        Event,
        Retry,
        Closed,
    }
}

using System.IO.Pipelines;
using System.Threading.Channels;

namespace SseCodec.Server;

/// <summary>A connection's stream: its replay or catch-up from the history, then its live events.</summary>
public sealed partial class SseHub
{
    /// <summary>The most history bytes read and written in one step of a replay, so that a replay goes through backpressure in pieces.</summary>
    private const long ReplayPageBytes = 64 * 1024;

    private const string UnknownLastEventIdText = "Last-Event-ID not found";

    /// <summary>
    /// Streams this hub's events into <paramref name="destination"/> until the token is canceled, the reader completes,
    /// the hub is disposed, or the connection falls behind for good. Replays missed events first when
    /// <paramref name="lastEventId"/> is given and the hub has a history; answers an ID the history does not hold as
    /// <see cref="SseHubOptions.UnknownLastEventId"/> says.
    /// </summary>
    /// <param name="destination">The pipe to write the event stream to; flushed, not completed.</param>
    /// <param name="lastEventId">The client's <c>Last-Event-ID</c>, or <see langword="null"/> for a fresh client.</param>
    /// <param name="groups">The groups this connection joins (besides events published to all); none when <see langword="null"/>.</param>
    /// <param name="options">Heartbeats, reconnection time, flushing; the defaults when <see langword="null"/>. Validated and copied here.</param>
    /// <param name="cancellationToken">Ends the stream, typically the request's aborted token.</param>
    /// <returns>
    /// Why the stream ended; on <see cref="SseStreamCompletion.SlowClient"/> the caller should abort the connection, on
    /// <see cref="SseStreamCompletion.ReplayLimitReached"/> end the response normally. The connection ending is
    /// <see cref="SseStreamCompletion.Canceled"/>, as in <see cref="SseStreaming.StreamAsync(PipeWriter, Func{SseWriter, CancellationToken, Task}, SseStreamOptions?, CancellationToken)"/>.
    /// </returns>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public async Task<SseStreamCompletion> StreamAsync(PipeWriter destination, string? lastEventId = null, IEnumerable<string>? groups = null, SseStreamOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        try
        {
            await WaitForBackplaneAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested || _disposed)
        {
            return cancellationToken.IsCancellationRequested ? SseStreamCompletion.Canceled : SseStreamCompletion.SourceCompleted;
        }

        var session = new SseSession(destination, options, cancellationToken);
        await using (session.ConfigureAwait(false))
        {
            ISseEventHistory? history = _options.History;
            bool resuming = lastEventId is not null && history is not null;
            var connection = new Connection(this, session, groups is null ? [] : [.. groups], resuming);
            if (!Register(connection))
            {
                return SseStreamCompletion.SourceCompleted;
            }

            try
            {
                CancellationToken token = session.Token;
                await session.StartAsync().ConfigureAwait(false);
                bool allowGap = false;
                if (resuming)
                {
                    // A resuming connection is registered behind: it takes no live event until it has caught up from
                    // the history. An ID of another group's event is answered as an unknown one, so it cannot be probed.
                    SseHistoryEntry? found = await history!.FindAsync(lastEventId!, token).ConfigureAwait(false);
                    if (found is { } entry && connection.Accepts(entry.Group))
                    {
                        connection.DeliveredThrough = entry.Sequence;
                    }
                    else if (_options.UnknownLastEventId == SseUnknownLastEventId.ReplayAll)
                    {
                        connection.DeliveredThrough = 0;
                        allowGap = true;
                    }
                    else
                    {
                        await WriteUnknownLastEventIdAsync(session, token).ConfigureAwait(false);
                    }
                }

                // The wait takes no token: a channel reuses one waiter for token-less waits but allocates one per wait
                // for a cancelable token, which would cost every delivery an allocation. Cancellation completes the
                // queue instead, which ends the wait.
                ChannelReader<PooledEvent> reader = connection.Reader;
                using CancellationTokenRegistration wake = token.UnsafeRegister(static (state, canceled) => ((Connection)state!).Cancel(canceled), connection);
                while (true)
                {
                    if (connection.IsBehind)
                    {
                        CatchUp result = await CatchUpAsync(connection, session, allowGap, token).ConfigureAwait(false);
                        allowGap = false;
                        if (result == CatchUp.Lost)
                        {
                            SseServerMetrics.SlowClientDisconnects.Add(1, _tag);
                            SseHubLog.SlowClientDisconnected(_options.Logger, Name, "the history no longer holds what it missed");
                            return SseStreamCompletion.SlowClient;
                        }

                        if (result == CatchUp.LimitReached)
                        {
                            return SseStreamCompletion.ReplayLimitReached;
                        }

                        continue;
                    }

                    BeforeWaitingForEvents?.Invoke();
                    if (!await reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
                    {
                        break;
                    }

                    await session.Writer.WriteAsync(connection, static (w, c) => c.Drain(w), token).ConfigureAwait(false);
                    connection.OnDrained();
                }

                return connection.IsSlow ? SseStreamCompletion.SlowClient : SseStreamCompletion.SourceCompleted;
            }
            catch (Exception) when (connection.IsSlow)
            {
                return SseStreamCompletion.SlowClient;
            }
            catch (Exception e) when (session.IsEndOfStream(e))
            {
                return SseStreamCompletion.Canceled;
            }
            finally
            {
                Unregister(connection);
            }
        }
    }

    /// <summary>Streams this hub's events into a <see cref="Stream"/>, left open: see <see cref="StreamAsync(PipeWriter, string?, IEnumerable{string}?, SseStreamOptions?, CancellationToken)"/>.</summary>
    /// <param name="destination">The stream to write to.</param>
    /// <param name="lastEventId">The client's <c>Last-Event-ID</c>, or <see langword="null"/>.</param>
    /// <param name="groups">The groups this connection joins; none when <see langword="null"/>.</param>
    /// <param name="options">Heartbeats, reconnection time, flushing; the defaults when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Ends the stream.</param>
    /// <returns>Why the stream ended.</returns>
    public Task<SseStreamCompletion> StreamAsync(Stream destination, string? lastEventId = null, IEnumerable<string>? groups = null, SseStreamOptions? options = null, CancellationToken cancellationToken = default) =>
        StreamDestination.RunAsync(destination, (hub: this, lastEventId, groups, options, cancellationToken), static (pipe, s) => s.hub.StreamAsync(pipe, s.lastEventId, s.groups, s.options, s.cancellationToken));

    /// <summary>
    /// Writes what the history holds after the connection's last delivered event, a page at a time, each page flushed
    /// through the connection's backpressure, up to the hub's sequence number when the catch-up started; the connection
    /// takes live events from then on.
    /// </summary>
    private async ValueTask<CatchUp> CatchUpAsync(Connection connection, SseSession session, bool allowGap, CancellationToken token)
    {
        ISseEventHistory history = _options.History!;
        long target;
        lock (_gate)
        {
            target = _sequence;
            connection.Rejoin();
        }

        while (connection.DeliveredThrough < target)
        {
            SseReplay page = await history.ReadAfterAsync(connection.DeliveredThrough, ReplayPageBytes, token).ConfigureAwait(false);
            if (!page.Contiguous && !allowGap)
            {
                return CatchUp.Lost;
            }

            allowGap = false;
            if (page.Events.Count == 0)
            {
                break;
            }

            await session.Writer.WriteAsync((connection, page.Events), static (w, s) => s.connection.WriteFromHistory(w, s.Events), token).ConfigureAwait(false);
            await session.Writer.FlushAsync(token).ConfigureAwait(false);
            if (connection.ReplayLimitReached)
            {
                return CatchUp.LimitReached;
            }
        }

        return CatchUp.Done;
    }

    private async ValueTask WriteUnknownLastEventIdAsync(SseSession session, CancellationToken token)
    {
        if (_options.UnknownLastEventId == SseUnknownLastEventId.SendComment)
        {
            await session.Writer.WriteCommentAsync(UnknownLastEventIdText, token).ConfigureAwait(false);
        }
        else
        {
            await session.Writer.WriteAsync(_options.UnknownLastEventIdEventType, static (w, type) => SseEncoder.WriteEvent(w, UnknownLastEventIdText.AsSpan(), type), token).ConfigureAwait(false);
        }

        await session.Writer.FlushAsync(token).ConfigureAwait(false);
    }

    private enum CatchUp
    {
        Done,
        Lost,
        LimitReached,
    }
}

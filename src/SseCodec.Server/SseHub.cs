using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json.Serialization.Metadata;
using System.Threading.Channels;

namespace SseCodec.Server;

/// <summary>
/// Broadcasts events to many event streams, or to named groups of them: each event is encoded once into a pooled
/// buffer whose bytes are written to every connection, and each connection has a bounded queue with a slow-client
/// policy, so that one client that stops reading cannot grow the server's memory.
/// </summary>
/// <remarks>
/// With a <see cref="SseHubOptions.History"/>, a connection opened with a <c>Last-Event-ID</c> first gets the events
/// published after that ID, then the live ones, with no gap and no duplicate: events are numbered, a connection takes
/// live events only once it has caught up, and those it already has are skipped by number. The replay is read from the
/// history a page at a time and written through the connection's backpressure, up to
/// <see cref="SseHubOptions.MaxReplayBytes"/>. A connection whose queue overflows while it replays, or under
/// <see cref="SseSlowClientPolicy.Disconnect"/>, continues from the history the same way.
/// Publishing is thread-safe and never waits for a connection.
/// </remarks>
public sealed class SseHub : IAsyncDisposable
{
    /// <summary>The most history bytes read and written in one step of a replay, so that a replay goes through backpressure in pieces.</summary>
    private const long ReplayPageBytes = 64 * 1024;

    private const string UnknownLastEventIdText = "Last-Event-ID not found";

    private readonly object _gate = new();
    private readonly HashSet<Connection> _all = [];
    private readonly Dictionary<string, HashSet<Connection>> _groups = new(StringComparer.Ordinal);
    private readonly PooledBufferWriter _scratch = new();
    private readonly SseHubOptions _options;
    private readonly KeyValuePair<string, object?> _tag;
    private long _sequence;
    private long _outstandingBuffers;
    private bool _disposed;

    /// <summary>Creates a hub.</summary>
    /// <param name="options">Queue size, slow-client policy, history and name; the defaults when <see langword="null"/>.</param>
    public SseHub(SseHubOptions? options = null)
    {
        _options = options ?? new SseHubOptions();
        _tag = new KeyValuePair<string, object?>("hub", _options.Name);
    }

    /// <summary>The hub's name, the <c>hub</c> tag on its metrics.</summary>
    public string Name => _options.Name;

    /// <summary>The history events are kept in, if any.</summary>
    public ISseEventHistory? History => _options.History;

    /// <summary>How many connections are open now.</summary>
    public int ConnectionCount
    {
        get
        {
            lock (_gate)
            {
                return _all.Count;
            }
        }
    }

    /// <summary>The sequence number of the last published event; 0 before the first.</summary>
    public long LastSequence => Interlocked.Read(ref _sequence);

    /// <summary>Pooled event buffers not yet returned: queued somewhere, or being written.</summary>
    internal long OutstandingBuffers => Interlocked.Read(ref _outstandingBuffers);

    /// <summary>For tests: runs on the publishing thread, under the hub's lock, when a connection's queue refused an event.</summary>
    internal Action? AfterQueueFull { get; set; }

    /// <summary>For tests: runs on a connection's loop when it has found itself live and is about to wait for its queue.</summary>
    internal Action? BeforeWaitingForEvents { get; set; }

    /// <summary>Publishes an event whose data is text.</summary>
    /// <param name="data">The data.</param>
    /// <param name="eventType">The event type; <c>message</c> when <see langword="null"/>.</param>
    /// <param name="id">The event ID, kept in the history for replay; none when <see langword="null"/>.</param>
    /// <param name="group">The group to publish to; every connection when <see langword="null"/>.</param>
    /// <returns>The event's sequence number.</returns>
    /// <exception cref="ArgumentException"><paramref name="eventType"/> or <paramref name="id"/> is invalid (see <see cref="SseEncoder"/>).</exception>
    public long Publish(string data, string? eventType = null, string? id = null, string? group = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Publish((data, eventType, id), static (w, s) => SseEncoder.WriteEvent(w, s.data.AsSpan(), s.eventType, s.id), id, group);
    }

    /// <summary>Publishes an event whose data is UTF-8.</summary>
    /// <inheritdoc cref="Publish(string, string?, string?, string?)"/>
    public long Publish(ReadOnlyMemory<byte> utf8Data, string? eventType = null, string? id = null, string? group = null) =>
        Publish((utf8Data, eventType, id), static (w, s) => SseEncoder.WriteEvent(w, s.utf8Data.Span, s.eventType, s.id), id, group);

    /// <summary>Publishes an event whose data is <paramref name="value"/> serialized as JSON.</summary>
    /// <typeparam name="T">The type of the value.</typeparam>
    /// <param name="value">The value.</param>
    /// <param name="jsonTypeInfo">Metadata for <typeparamref name="T"/>: safe for trimming and AOT.</param>
    /// <param name="eventType">The event type; <c>message</c> when <see langword="null"/>.</param>
    /// <param name="id">The event ID, kept in the history for replay; none when <see langword="null"/>.</param>
    /// <param name="group">The group to publish to; every connection when <see langword="null"/>.</param>
    /// <returns>The event's sequence number.</returns>
    public long PublishJson<T>(T value, JsonTypeInfo<T> jsonTypeInfo, string? eventType = null, string? id = null, string? group = null)
    {
        ArgumentNullException.ThrowIfNull(jsonTypeInfo);
        return Publish((value, jsonTypeInfo, eventType, id), static (w, s) => SseEncoder.WriteEventJson(w, s.value, s.jsonTypeInfo, s.eventType, s.id), id, group);
    }

    /// <summary>
    /// Publishes whatever <paramref name="writeEvent"/> writes (typically one event with <see cref="SseEncoder"/>):
    /// it runs once, and its bytes go to every target connection.
    /// </summary>
    /// <typeparam name="TState">State for <paramref name="writeEvent"/>, so that it need not capture.</typeparam>
    /// <param name="state">The state.</param>
    /// <param name="writeEvent">Writes the event.</param>
    /// <param name="id">The ID the written event carries, which the history files it under; <see langword="null"/> if none.</param>
    /// <param name="group">The group to publish to; every connection when <see langword="null"/>.</param>
    /// <returns>The event's sequence number.</returns>
    /// <exception cref="ObjectDisposedException">The hub is disposed.</exception>
    public long Publish<TState>(TState state, Action<IBufferWriter<byte>, TState> writeEvent, string? id = null, string? group = null)
    {
        ArgumentNullException.ThrowIfNull(writeEvent);
        PooledEvent pooled;
        long sequence;
        List<Connection>? toDisconnect = null;
        int firstDrops = 0;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            try
            {
                writeEvent(_scratch, state);
            }
            catch
            {
                _scratch.Reset();
                throw;
            }

            byte[] array = _scratch.TakeWritten(out int length);
            sequence = ++_sequence;
            Interlocked.Increment(ref _outstandingBuffers);
            pooled = new PooledEvent(this, array, length, sequence);
            _options.History?.Append(new SseHistoryEntry(sequence, id, group, array.AsMemory(0, length)));

            HashSet<Connection>? set = group is null ? _all : _groups.GetValueOrDefault(group);
            if (set is not null)
            {
                foreach (Connection connection in set)
                {
                    Delivery delivery = connection.Enqueue(pooled);
                    if (delivery == Delivery.Disconnect)
                    {
                        (toDisconnect ??= []).Add(connection);
                    }
                    else if (delivery == Delivery.FirstDrop)
                    {
                        firstDrops++;
                    }
                }
            }
        }

        pooled.Release();
        SseServerMetrics.EventsPublished.Add(1, _tag);
        for (int i = 0; i < firstDrops; i++)
        {
            SseHubLog.EventsDropped(_options.Logger, Name, _options.QueueCapacity);
        }

        if (toDisconnect is not null)
        {
            foreach (Connection connection in toDisconnect)
            {
                SseServerMetrics.SlowClientDisconnects.Add(1, _tag);
                SseHubLog.SlowClientDisconnected(_options.Logger, Name, "queue full, no history");
#if NET
                ThreadPool.UnsafeQueueUserWorkItem(static c => c.Disconnect(), connection, preferLocal: false);
#else
                ThreadPool.UnsafeQueueUserWorkItem(static c => ((Connection)c!).Disconnect(), connection);
#endif
            }
        }

        return sequence;
    }

    /// <summary>
    /// Streams this hub's events into <paramref name="destination"/> until the token is canceled, the reader completes,
    /// the hub is disposed, or the connection falls behind for good. Replays missed events first when
    /// <paramref name="lastEventId"/> is given and the hub has a history; answers an ID the history does not hold as
    /// <see cref="SseHubOptions.UnknownLastEventId"/> says.
    /// </summary>
    /// <param name="destination">The pipe to write the event stream to; flushed, not completed.</param>
    /// <param name="lastEventId">The client's <c>Last-Event-ID</c>, or <see langword="null"/> for a fresh client.</param>
    /// <param name="groups">The groups this connection joins (besides events published to all); none when <see langword="null"/>.</param>
    /// <param name="options">Heartbeats, retry, flushing; the defaults when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Ends the stream, typically the request's aborted token.</param>
    /// <returns>
    /// Why the stream ended; on <see cref="SseStreamCompletion.SlowClient"/> the caller should abort the connection, on
    /// <see cref="SseStreamCompletion.ReplayLimitReached"/> end the response normally.
    /// </returns>
    public async Task<SseStreamCompletion> StreamAsync(PipeWriter destination, string? lastEventId = null, IEnumerable<string>? groups = null, SseStreamOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
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
            catch (Exception e) when (SseStreaming.IsEndOfConnection(e, session.Token))
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
    /// <param name="options">Heartbeats, retry, flushing; the defaults when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Ends the stream.</param>
    /// <returns>Why the stream ended.</returns>
    public async Task<SseStreamCompletion> StreamAsync(Stream destination, string? lastEventId = null, IEnumerable<string>? groups = null, SseStreamOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        PipeWriter pipe = PipeWriter.Create(destination, new StreamPipeWriterOptions(leaveOpen: true));
        try
        {
            return await StreamAsync(pipe, lastEventId, groups, options, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await pipe.CompleteAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Ends every connection's stream (as <see cref="SseStreamCompletion.SourceCompleted"/>) and refuses new ones.</summary>
    /// <returns>A completed task.</returns>
    public ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return default;
            }

            _disposed = true;
            foreach (Connection connection in _all)
            {
                connection.Complete();
            }

            ArrayPool<byte>.Shared.Return(_scratch.Detach(out _));
        }

        return default;
    }

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

    internal void OnBufferReturned() => Interlocked.Decrement(ref _outstandingBuffers);

    internal void OnDropped() => SseServerMetrics.EventsDropped.Add(1, _tag);

    internal void OnWritten(long bytes) => SseServerMetrics.BytesWritten.Add(bytes, _tag);

    private bool Register(Connection connection)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return false;
            }

            // What is published from now on reaches the queue (or, behind, the catch-up); what came before is not owed.
            connection.DeliveredThrough = _sequence;

            _all.Add(connection);
            foreach (string group in connection.Groups)
            {
                if (!_groups.TryGetValue(group, out HashSet<Connection>? set))
                {
                    _groups[group] = set = [];
                }

                set.Add(connection);
            }
        }

        SseServerMetrics.Connections.Add(1, _tag);
        return true;
    }

    private void Unregister(Connection connection)
    {
        lock (_gate)
        {
            _all.Remove(connection);
            foreach (string group in connection.Groups)
            {
                if (_groups.TryGetValue(group, out HashSet<Connection>? set) && set.Remove(connection) && set.Count == 0)
                {
                    _groups.Remove(group);
                }
            }

            // No publish can reach the queue any more: give back what it still holds.
            connection.Complete();
        }

        connection.ReleaseQueued();
        SseServerMetrics.Connections.Add(-1, _tag);
        if (connection.Dropped > 0)
        {
            SseHubLog.ConnectionLostEvents(_options.Logger, Name, connection.Dropped);
        }
    }

    private sealed class Connection
    {
        private readonly SseHub _hub;
        private readonly SseSession _session;
        private readonly Channel<PooledEvent> _queue;
        private readonly bool _disconnectWhenFull;
        private readonly bool _hasHistory;
        private readonly long _maxReplayBytes;

        // Written under the hub's lock; read without it by the connection's loop.
        private volatile bool _behind;
        private volatile bool _slow;
        private volatile bool _closed;
        private volatile bool _replaying;
        private long _dropped;

        public Connection(SseHub hub, SseSession session, string[] groups, bool resuming)
        {
            _hub = hub;
            _session = session;
            Groups = groups;
            _disconnectWhenFull = hub._options.SlowClientPolicy == SseSlowClientPolicy.Disconnect;
            _hasHistory = hub._options.History is not null;
            _maxReplayBytes = hub._options.MaxReplayBytes;
            _behind = resuming;
            _replaying = resuming;

            // Full mode Wait makes TryWrite fail on a full queue, so that the hub decides: catch up, disconnect or drop.
            _queue = Channel.CreateBounded<PooledEvent>(new BoundedChannelOptions(hub._options.QueueCapacity)
            {
                SingleReader = false,
                SingleWriter = false,
                FullMode = BoundedChannelFullMode.Wait,
            });
        }

        public string[] Groups { get; }

        public ChannelReader<PooledEvent> Reader => _queue.Reader;

        public bool IsSlow => _slow;

        /// <summary>Live events are not queued: the loop reads them from the history.</summary>
        public bool IsBehind => _behind;

        /// <summary>The sequence number of the last event this connection has written or had no need of; the loop's alone.</summary>
        public long DeliveredThrough { get; set; }

        public bool ReplayLimitReached { get; private set; }

        public long Dropped => Interlocked.Read(ref _dropped);

        private long ReplayedBytes { get; set; }

        public bool Accepts(string? group) => group is null || Array.IndexOf(Groups, group) >= 0;

        /// <summary>Queues an event; called under the hub's lock.</summary>
        public Delivery Enqueue(PooledEvent e)
        {
            if (_behind || _slow || _closed)
            {
                // Behind, the history holds it; slow or closed, the connection is ending.
                return Delivery.Queued;
            }

            e.AddRef();
            if (_queue.Writer.TryWrite(e))
            {
                return Delivery.Queued;
            }

            e.Release();
            _hub.AfterQueueFull?.Invoke();
            if (_closed)
            {
                return Delivery.Queued;
            }

            if (_hasHistory && (_disconnectWhenFull || _replaying))
            {
                // Nothing is lost: the loop writes what is queued, then continues from the history.
                _behind = true;
                _replaying = true;

                // Since the write failed, the loop may have emptied the queue and started waiting on it, and from now
                // on nothing is queued: it would wait for good (sse demo once stopped after 656 of 100,000 events). So
                // the event is offered once more. Taken, it wakes the loop, which writes it and then sees it is behind;
                // refused, the queue is still full, and the loop sees it is behind once it has written what is there
                // (the channel's lock orders that read after this write of _behind).
                e.AddRef();
                if (!_queue.Writer.TryWrite(e))
                {
                    e.Release();
                }

                return Delivery.Queued;
            }

            if (_disconnectWhenFull)
            {
                _slow = true;
                _queue.Writer.TryComplete();
                _hub.OnDropped();
                return Delivery.Disconnect;
            }

            if (_queue.Reader.TryRead(out PooledEvent? oldest))
            {
                oldest.Release();
            }

            e.AddRef();
            if (!_queue.Writer.TryWrite(e))
            {
                e.Release();
            }

            _hub.OnDropped();
            return Interlocked.Increment(ref _dropped) == 1 ? Delivery.FirstDrop : Delivery.Queued;
        }

        /// <summary>Called under the hub's lock when a catch-up starts: live events are queued again from now on.</summary>
        public void Rejoin() => _behind = false;

        /// <summary>After a batch from the queue: once it has caught up and emptied its queue, a connection is live.</summary>
        public void OnDrained()
        {
            if (_replaying && !_behind && _queue.Reader.Count == 0)
            {
                _replaying = false;
            }
        }

        public void Disconnect()
        {
            try
            {
                _session.Abort();
            }
#pragma warning disable CA1031 // A thread-pool work item has no caller: an exception here would end the process.
            catch (Exception e)
#pragma warning restore CA1031
            {
                SseHubLog.DisconnectFailed(_hub._options.Logger, _hub.Name, e);
            }
        }

        public void Complete()
        {
            _closed = true;
            _queue.Writer.TryComplete();
        }

        public void Cancel(CancellationToken canceled)
        {
            _closed = true;
            _queue.Writer.TryComplete(new OperationCanceledException(canceled));
        }

        public void Drain(PipeWriter writer)
        {
            long bytes = 0;
            int n = 0;
            while (n++ < 256 && _queue.Reader.TryRead(out PooledEvent? e))
            {
                if (e.Sequence > DeliveredThrough)
                {
                    writer.Write(e.Span);
                    bytes += e.Length;
                    DeliveredThrough = e.Sequence;
                }

                e.Release();
            }

            _hub.OnWritten(bytes);
        }

        /// <summary>Writes a page of history events this connection has not had and may see, within the replay limit.</summary>
        public void WriteFromHistory(PipeWriter writer, IReadOnlyList<SseHistoryEntry> events)
        {
            long bytes = 0;
            // Indexed: enumerating an IReadOnlyList through its interface allocates an enumerator per page.
            for (int i = 0; i < events.Count; i++)
            {
                SseHistoryEntry entry = events[i];
                if (entry.Sequence <= DeliveredThrough)
                {
                    continue;
                }

                if (Accepts(entry.Group))
                {
                    int length = entry.Utf8Event.Length;
                    if (ReplayedBytes > 0 && ReplayedBytes + length > _maxReplayBytes)
                    {
                        ReplayLimitReached = true;
                        break;
                    }

                    writer.Write(entry.Utf8Event.Span);
                    ReplayedBytes += length;
                    bytes += length;
                }

                DeliveredThrough = entry.Sequence;
            }

            _hub.OnWritten(bytes);
        }

        public void ReleaseQueued()
        {
            while (_queue.Reader.TryRead(out PooledEvent? e))
            {
                e.Release();
            }
        }
    }

    private enum Delivery
    {
        Queued,
        FirstDrop,
        Disconnect,
    }

    private enum CatchUp
    {
        Done,
        Lost,
        LimitReached,
    }
}

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
/// published after that ID, then the live ones, with no gap and no duplicate: the connection is subscribed before the
/// history is read, and live events the replay already covered are skipped by sequence number.
/// Publishing is thread-safe and never waits for a connection.
/// </remarks>
public sealed class SseHub : IAsyncDisposable
{
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

            byte[] array = _scratch.Detach(out int length);
            sequence = ++_sequence;
            Interlocked.Increment(ref _outstandingBuffers);
            pooled = new PooledEvent(this, array, length, sequence);
            _options.History?.Append(new SseHistoryEntry(sequence, id, group, array.AsMemory(0, length)));

            HashSet<Connection>? set = group is null ? _all : _groups.GetValueOrDefault(group);
            if (set is not null)
            {
                foreach (Connection connection in set)
                {
                    if (!connection.Enqueue(pooled))
                    {
                        (toDisconnect ??= []).Add(connection);
                    }
                }
            }
        }

        pooled.Release();
        SseServerMetrics.EventsPublished.Add(1, _tag);
        if (toDisconnect is not null)
        {
            foreach (Connection connection in toDisconnect)
            {
                SseServerMetrics.SlowClientDisconnects.Add(1, _tag);
                ThreadPool.UnsafeQueueUserWorkItem(static c => c.Disconnect(), connection, preferLocal: false);
            }
        }

        return sequence;
    }

    /// <summary>
    /// Streams this hub's events into <paramref name="destination"/> until the token is canceled, the reader completes,
    /// the hub is disposed, or the slow-client policy disconnects it. Replays missed events first when
    /// <paramref name="lastEventId"/> is given and the hub has a history.
    /// </summary>
    /// <param name="destination">The pipe to write the event stream to; flushed, not completed.</param>
    /// <param name="lastEventId">The client's <c>Last-Event-ID</c>, or <see langword="null"/> for a fresh client.</param>
    /// <param name="groups">The groups this connection joins (besides events published to all); none when <see langword="null"/>.</param>
    /// <param name="options">Heartbeats, retry, flushing; the defaults when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Ends the stream, typically the request's aborted token.</param>
    /// <returns>Why the stream ended; on <see cref="SseStreamCompletion.SlowClient"/> the caller should abort the connection.</returns>
    public async Task<SseStreamCompletion> StreamAsync(PipeWriter destination, string? lastEventId = null, IEnumerable<string>? groups = null, SseStreamOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var session = new SseSession(destination, options, cancellationToken);
        await using (session.ConfigureAwait(false))
        {
            var connection = new Connection(this, session, groups is null ? [] : [.. groups]);
            if (!Register(connection))
            {
                return SseStreamCompletion.SourceCompleted;
            }

            try
            {
                CancellationToken token = session.Token;
                await session.StartAsync().ConfigureAwait(false);
                long replayedThrough = 0;
                if (lastEventId is not null && _options.History is { } history)
                {
                    SseReplay replay = await history.GetEventsAfterAsync(lastEventId, token).ConfigureAwait(false);
                    if (replay.Events.Count > 0)
                    {
                        replayedThrough = replay.Events[^1].Sequence;
                        await session.Writer.WriteAsync((replay.Events, connection), static (w, s) =>
                        {
                            foreach (SseHistoryEntry entry in s.Events)
                            {
                                if (s.connection.Accepts(entry.Group))
                                {
                                    w.Write(entry.Utf8Event.Span);
                                }
                            }
                        }, token).ConfigureAwait(false);
                    }
                }

                // The wait takes no token: a channel reuses one waiter for token-less waits but allocates one per wait
                // for a cancelable token, which would cost every delivery an allocation. Cancellation completes the
                // queue instead, which ends the wait.
                ChannelReader<PooledEvent> reader = connection.Reader;
                using CancellationTokenRegistration wake = token.UnsafeRegister(static (state, canceled) => ((Connection)state!).Cancel(canceled), connection);
                while (await reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
                {
                    await session.Writer.WriteAsync((connection, replayedThrough), static (w, s) => s.connection.Drain(w, s.replayedThrough), token).ConfigureAwait(false);
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
    }

    private sealed class Connection
    {
        private readonly SseHub _hub;
        private readonly SseSession _session;
        private readonly Channel<PooledEvent> _queue;
        private readonly bool _disconnectWhenFull;
        private volatile bool _slow;

        public Connection(SseHub hub, SseSession session, string[] groups)
        {
            _hub = hub;
            _session = session;
            Groups = groups;
            _disconnectWhenFull = hub._options.SlowClientPolicy == SseSlowClientPolicy.Disconnect;
            var options = new BoundedChannelOptions(hub._options.QueueCapacity)
            {
                SingleReader = true,
                SingleWriter = false,
                FullMode = _disconnectWhenFull ? BoundedChannelFullMode.Wait : BoundedChannelFullMode.DropOldest,
            };
            _queue = Channel.CreateBounded<PooledEvent>(options, e =>
            {
                e.Release();
                hub.OnDropped();
            });
        }

        public string[] Groups { get; }

        public ChannelReader<PooledEvent> Reader => _queue.Reader;

        public bool IsSlow => _slow;

        public bool Accepts(string? group) => group is null || Array.IndexOf(Groups, group) >= 0;

        /// <summary>Queues an event; <see langword="false"/> when the queue is full and the client must be disconnected.</summary>
        public bool Enqueue(PooledEvent e)
        {
            e.AddRef();
            if (_queue.Writer.TryWrite(e))
            {
                return true;
            }

            e.Release();
            if (_disconnectWhenFull && !_slow)
            {
                _slow = true;
                _queue.Writer.TryComplete();
                _hub.OnDropped();
                return false;
            }

            return true;
        }

        public void Disconnect() => _session.Abort();

        public void Complete() => _queue.Writer.TryComplete();

        public void Cancel(CancellationToken canceled) => _queue.Writer.TryComplete(new OperationCanceledException(canceled));

        public void Drain(PipeWriter writer, long replayedThrough)
        {
            long bytes = 0;
            int n = 0;
            while (n++ < 256 && _queue.Reader.TryRead(out PooledEvent? e))
            {
                if (e.Sequence > replayedThrough)
                {
                    writer.Write(e.Span);
                    bytes += e.Length;
                }

                e.Release();
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
}

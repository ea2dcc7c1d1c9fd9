using System.Buffers;
using System.Text.Json.Serialization.Metadata;

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
public sealed partial class SseHub : IAsyncDisposable
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

    /// <summary>With a backplane: completed when it has said where the shared stream stands, before which no connection is served.</summary>
    private readonly TaskCompletionSource<bool>? _backplaneStarted;

    /// <summary>Creates a hub.</summary>
    /// <param name="options">
    /// Queue size, slow-client policy, history and name; the defaults when <see langword="null"/>. Validated and copied
    /// here: a later change to the object does not reach the hub.
    /// </param>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public SseHub(SseHubOptions? options = null)
    {
        _options = SseHubOptions.Freeze(options);
        _tag = new KeyValuePair<string, object?>("hub", _options.Name);
        if (_options.Backplane is { } backplane)
        {
            _backplaneStarted = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            backplane.Start(new SseBackplaneSink(this));
        }
    }

    /// <summary>The hub's name, the <c>hub</c> tag on its metrics.</summary>
    public string Name => _options.Name;

    /// <summary>The backplane the hub publishes through and delivers from, if any.</summary>
    public ISseBackplane? Backplane => _options.Backplane;

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

    /// <summary>
    /// The sequence number of the last published event; 0 before the first. With a backplane, of the last event this
    /// node delivered from the shared stream.
    /// </summary>
    public long LastSequence => Interlocked.Read(ref _sequence);

    /// <summary>Pooled event buffers not yet returned: queued somewhere, or being written.</summary>
    internal long OutstandingBuffers => Interlocked.Read(ref _outstandingBuffers);

    /// <summary>For tests: runs on the publishing thread, under the hub's lock, when a connection's queue refused an event.</summary>
    internal Action? AfterQueueFull { get; set; }

    /// <summary>For tests: runs on a connection's loop when it has found itself live and is about to wait for its queue.</summary>
    internal Action? BeforeWaitingForEvents { get; set; }

    /// <summary>For tests: runs after a connection was added or removed, so that a test can wait for a count without polling.</summary>
    internal Action? ConnectionCountChanged { get; set; }

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
    /// <exception cref="InvalidOperationException">The hub has a backplane: publish with <see cref="PublishAsync{TState}(TState, Action{IBufferWriter{byte}, TState}, string?, string?, CancellationToken)"/>.</exception>
    public long Publish<TState>(TState state, Action<IBufferWriter<byte>, TState> writeEvent, string? id = null, string? group = null)
    {
        ArgumentNullException.ThrowIfNull(writeEvent);
        ThrowIfBackplane();
        PooledEvent pooled;
        long sequence;
        FanOut fanOut = default;
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
            pooled = FanOutLocked(array, length, new SseHistoryEntry(sequence, id, group, array.AsMemory(0, length)), ref fanOut);
        }

        Finish(pooled, fanOut);
        return sequence;
    }

    /// <summary>
    /// Ends every connection's stream (as <see cref="SseStreamCompletion.SourceCompleted"/>) and refuses new ones; with
    /// a backplane, then disposes the backplane.
    /// </summary>
    /// <returns>A task that completes when the backplane, if any, has stopped.</returns>
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

        _backplaneStarted?.TrySetCanceled();
        return _options.Backplane is { } backplane ? backplane.DisposeAsync() : default;
    }

    /// <summary>
    /// Queues an event for every target connection and records it in the history; called under the hub's lock, in
    /// sequence order. The returned event holds one reference, for <see cref="Finish"/> to release.
    /// </summary>
    private PooledEvent FanOutLocked(byte[] array, int length, in SseHistoryEntry entry, ref FanOut fanOut)
    {
        Interlocked.Increment(ref _outstandingBuffers);
        var pooled = new PooledEvent(this, array, length, entry.Sequence);
        _options.History?.Append(entry);

        HashSet<Connection>? set = entry.Group is null ? _all : _groups.GetValueOrDefault(entry.Group);
        if (set is not null)
        {
            foreach (Connection connection in set)
            {
                Delivery delivery = connection.Enqueue(pooled);
                if (delivery == Delivery.Disconnect)
                {
                    (fanOut.ToDisconnect ??= []).Add(connection);
                }
                else if (delivery == Delivery.FirstDrop)
                {
                    fanOut.FirstDrops++;
                }
            }
        }

        return pooled;
    }

    /// <summary>Outside the lock: releases the publisher's reference, counts, logs, and disconnects what the fan-out refused.</summary>
    private void Finish(PooledEvent pooled, in FanOut fanOut)
    {
        pooled.Release();
        SseServerMetrics.EventsPublished.Add(1, _tag);
        for (int i = 0; i < fanOut.FirstDrops; i++)
        {
            SseHubLog.EventsDropped(_options.Logger, Name, _options.QueueCapacity);
        }

        if (fanOut.ToDisconnect is not null)
        {
            foreach (Connection connection in fanOut.ToDisconnect)
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
    }

    internal void OnBufferReturned() => Interlocked.Decrement(ref _outstandingBuffers);

    internal void OnDropped() => SseServerMetrics.EventsDropped.Add(1, _tag);

    internal void OnWritten(long bytes) => SseServerMetrics.BytesWritten.Add(bytes, _tag);

    /// <summary>What one fan-out leaves to do outside the lock.</summary>
    private struct FanOut
    {
        public List<Connection>? ToDisconnect;
        public int FirstDrops;
    }

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
        ConnectionCountChanged?.Invoke();
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
        ConnectionCountChanged?.Invoke();
        if (connection.Dropped > 0)
        {
            SseHubLog.ConnectionLostEvents(_options.Logger, Name, connection.Dropped);
        }
    }
}

using System.Buffers;
using System.Globalization;
using System.Text.Json.Serialization.Metadata;

namespace SseCodec.Server;

/// <summary>Publishing through a backplane, and delivering what it brings back.</summary>
public sealed partial class SseHub
{
    /// <summary>Publishes an event whose data is text; with a backplane, appends it to the shared stream.</summary>
    /// <param name="data">The data.</param>
    /// <param name="eventType">The event type; <c>message</c> when <see langword="null"/>.</param>
    /// <param name="id">
    /// The event ID; none when <see langword="null"/>. Must be <see langword="null"/> with a backplane, which gives
    /// every event its own ID (for Redis, the sequence number in decimal).
    /// </param>
    /// <param name="group">The group to publish to; every connection when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops waiting for the backplane; the event may have been appended all the same.</param>
    /// <returns>
    /// The event's sequence number. Without a backplane this is <see cref="Publish(string, string?, string?, string?)"/>,
    /// completed at once. With one, it completes when the shared stream holds the event, which every node then delivers.
    /// </returns>
    /// <exception cref="ArgumentException"><paramref name="eventType"/> or <paramref name="id"/> is invalid, or an ID was given to a hub with a backplane.</exception>
    /// <exception cref="SseBackplaneException">The backplane could not append the event.</exception>
    public ValueTask<long> PublishAsync(string data, string? eventType = null, string? id = null, string? group = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        return PublishAsync((data, eventType, id), static (w, s) => SseEncoder.WriteEvent(w, s.data.AsSpan(), s.eventType, s.id), id, group, cancellationToken);
    }

    /// <summary>Publishes an event whose data is UTF-8; with a backplane, appends it to the shared stream.</summary>
    /// <inheritdoc cref="PublishAsync(string, string?, string?, string?, CancellationToken)"/>
    public ValueTask<long> PublishAsync(ReadOnlyMemory<byte> utf8Data, string? eventType = null, string? id = null, string? group = null, CancellationToken cancellationToken = default) =>
        PublishAsync((utf8Data, eventType, id), static (w, s) => SseEncoder.WriteEvent(w, s.utf8Data.Span, s.eventType, s.id), id, group, cancellationToken);

    /// <summary>Publishes an event whose data is <paramref name="value"/> serialized as JSON; with a backplane, appends it to the shared stream.</summary>
    /// <typeparam name="T">The type of the value.</typeparam>
    /// <param name="value">The value.</param>
    /// <param name="jsonTypeInfo">Metadata for <typeparamref name="T"/>: safe for trimming and AOT.</param>
    /// <param name="eventType">The event type; <c>message</c> when <see langword="null"/>.</param>
    /// <param name="id">The event ID; must be <see langword="null"/> with a backplane.</param>
    /// <param name="group">The group to publish to; every connection when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops waiting for the backplane.</param>
    /// <returns>The event's sequence number.</returns>
    public ValueTask<long> PublishJsonAsync<T>(T value, JsonTypeInfo<T> jsonTypeInfo, string? eventType = null, string? id = null, string? group = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jsonTypeInfo);
        return PublishAsync((value, jsonTypeInfo, eventType, id), static (w, s) => SseEncoder.WriteEventJson(w, s.value, s.jsonTypeInfo, s.eventType, s.id), id, group, cancellationToken);
    }

    /// <summary>
    /// Publishes whatever <paramref name="writeEvent"/> writes: one event with <see cref="SseEncoder"/>, ending in its
    /// blank line. With a backplane it must write no <c>id</c> field (the backplane adds its own), and the bytes are
    /// appended to the shared stream.
    /// </summary>
    /// <typeparam name="TState">State for <paramref name="writeEvent"/>, so that it need not capture.</typeparam>
    /// <param name="state">The state.</param>
    /// <param name="writeEvent">Writes the event; runs once, before this method first waits.</param>
    /// <param name="id">The ID the written event carries; must be <see langword="null"/> with a backplane.</param>
    /// <param name="group">The group to publish to; every connection when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops waiting for the backplane.</param>
    /// <returns>The event's sequence number.</returns>
    /// <exception cref="ArgumentException">With a backplane: an ID was given, or what was written does not end with a blank line.</exception>
    /// <exception cref="ObjectDisposedException">The hub is disposed.</exception>
    /// <exception cref="SseBackplaneException">The backplane could not append the event.</exception>
    public ValueTask<long> PublishAsync<TState>(TState state, Action<IBufferWriter<byte>, TState> writeEvent, string? id = null, string? group = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writeEvent);
        if (_options.Backplane is not { } backplane)
        {
            return new ValueTask<long>(Publish(state, writeEvent, id, group));
        }

        if (id is not null)
        {
            throw new ArgumentException($"The hub '{Name}' has a backplane, which gives every event its ID: publish with id null.", nameof(id));
        }

        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed), this);
        var buffer = new PooledBufferWriter();
        try
        {
            writeEvent(buffer, state);
            if (!EndsWithBlankLine(buffer.WrittenSpan))
            {
                throw new ArgumentException($"An event published through the backplane of hub '{Name}' must be one complete event, ending with a blank line: the backplane adds its ID field before it.", nameof(writeEvent));
            }
        }
        catch
        {
            buffer.ReturnToPool();
            throw;
        }

        return AppendAsync(backplane, buffer, group, cancellationToken);
    }

    /// <summary>Called by the backplane once it knows where the shared stream stands: connections are served from here.</summary>
    internal void OnBackplaneStarted(long lastSequence)
    {
        lock (_gate)
        {
            if (_backplaneStarted is null || _backplaneStarted.Task.IsCompleted)
            {
                throw new InvalidOperationException($"The backplane of hub '{Name}' was started already.");
            }

            _sequence = Math.Max(_sequence, lastSequence);
        }

        _backplaneStarted.TrySetResult(true);
    }

    /// <summary>
    /// Delivers one event from the shared stream to this node's connections. A duplicate (at or below the last
    /// sequence number) is ignored; a gap means the stream lost events before this node read them (trimmed while it
    /// was cut off): the connections' streams end after what they have queued, so that their clients resume with their
    /// <c>Last-Event-ID</c> and are told by the history what it no longer holds, rather than missing events unseen.
    /// </summary>
    internal void DeliverFromBackplane(in SseHistoryEntry entry)
    {
        PooledEvent pooled;
        FanOut fanOut = default;
        long gapFrom = 0;
        lock (_gate)
        {
            if (_disposed || entry.Sequence <= _sequence)
            {
                return;
            }

            if (entry.Sequence != _sequence + 1)
            {
                gapFrom = _sequence + 1;
                foreach (Connection connection in _all)
                {
                    connection.Complete();
                }
            }

            int length = entry.Utf8Event.Length;
            byte[] array = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
            entry.Utf8Event.Span.CopyTo(array);
            _sequence = entry.Sequence;
            pooled = FanOutLocked(array, length, entry with { Utf8Event = array.AsMemory(0, length) }, ref fanOut);
        }

        Finish(pooled, fanOut);
        if (gapFrom > 0)
        {
            SseServerMetrics.BackplaneGaps.Add(1, _tag);
            SseHubLog.BackplaneGap(_options.Logger, Name, gapFrom.ToString(CultureInfo.InvariantCulture), (entry.Sequence - 1).ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Moves past an event the backplane could not read, so that the next one is not taken for a gap.</summary>
    internal void SkipFromBackplane(long sequence)
    {
        lock (_gate)
        {
            _sequence = Math.Max(_sequence, sequence);
        }
    }

    /// <summary>With a backplane, waits until it has started: a connection registered earlier would not know where the stream stands.</summary>
    private ValueTask WaitForBackplaneAsync(CancellationToken cancellationToken) =>
        _backplaneStarted is { Task.IsCompleted: false } started ? new ValueTask(started.Task.WaitAsync(cancellationToken)) : default;

    private void ThrowIfBackplane()
    {
        if (_options.Backplane is not null)
        {
            throw new InvalidOperationException($"The hub '{Name}' has a backplane: publish with PublishAsync, which appends the event to the shared stream that every node delivers from.");
        }
    }

    private static bool EndsWithBlankLine(ReadOnlySpan<byte> written) =>
        written.EndsWith("\n\n"u8) || written.EndsWith("\r\r"u8) || written.EndsWith("\n\r\n"u8);

    private static async ValueTask<long> AppendAsync(ISseBackplane backplane, PooledBufferWriter buffer, string? group, CancellationToken cancellationToken)
    {
        try
        {
            return await backplane.AppendAsync(buffer.WrittenMemory, group, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            buffer.ReturnToPool();
        }
    }
}

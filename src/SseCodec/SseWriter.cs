using System.IO.Pipelines;
using System.Text.Json.Serialization.Metadata;

namespace SseCodec;

/// <summary>
/// Writes events to a <see cref="PipeWriter"/> or a <see cref="Stream"/> with <see cref="SseEncoder"/>, and flushes
/// them by an explicit <see cref="SseFlushPolicy"/>.
/// </summary>
/// <remarks>
/// Calls may come from several tasks: writes, flushes and the coalescing timer take turns. For anything the
/// <c>Write*Async</c> methods do not cover, call <see cref="SseEncoder"/> inside <see cref="WriteAsync"/>.
/// A failure of a timer-driven flush is thrown by the next call.
/// </remarks>
public sealed class SseWriter : IAsyncDisposable
{
    private readonly PipeWriter _writer;
    private readonly bool _leaveOpen;
    private readonly SseFlushPolicy _policy;
    private readonly AsyncTurn _turn = new();
    private readonly ITimer? _timer;
    private bool _flushScheduled;
    private long _unflushed;
    private Exception? _backgroundFault;
    private bool _disposed;

    /// <summary>Creates a writer over a pipe.</summary>
    /// <param name="writer">The pipe to write the event stream to.</param>
    /// <param name="flushPolicy">When to flush; <see cref="SseFlushPolicy.PerItem"/> when <see langword="null"/>.</param>
    /// <param name="leaveOpen"><see langword="true"/> to leave <paramref name="writer"/> uncompleted on dispose.</param>
    /// <param name="timeProvider">The clock for <see cref="SseFlushPolicy.Coalesce"/>; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    public SseWriter(PipeWriter writer, SseFlushPolicy? flushPolicy = null, bool leaveOpen = false, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        _writer = writer;
        _leaveOpen = leaveOpen;
        _policy = flushPolicy ?? SseFlushPolicy.PerItem;
        if (!_policy.IsPerItem)
        {
            _timer = (timeProvider ?? TimeProvider.System).CreateTimer(static state => ((SseWriter)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Creates a writer over a stream.</summary>
    /// <param name="stream">The stream to write the event stream to.</param>
    /// <param name="flushPolicy">When to flush; <see cref="SseFlushPolicy.PerItem"/> when <see langword="null"/>.</param>
    /// <param name="leaveOpen"><see langword="true"/> to leave <paramref name="stream"/> open on dispose.</param>
    /// <param name="timeProvider">The clock for <see cref="SseFlushPolicy.Coalesce"/>; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    public SseWriter(Stream stream, SseFlushPolicy? flushPolicy = null, bool leaveOpen = false, TimeProvider? timeProvider = null)
        : this(new StreamBufferWriter(stream ?? throw new ArgumentNullException(nameof(stream)), leaveOpen), flushPolicy, leaveOpen: false, timeProvider)
    {
    }

    /// <summary>Writes an event whose data is text.</summary>
    /// <param name="data">The data.</param>
    /// <param name="eventType">The event type, or <see langword="null"/>.</param>
    /// <param name="id">The event ID, or <see langword="null"/>.</param>
    /// <param name="retry">The reconnection time, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the wait for a turn or a flush.</param>
    /// <returns>A task that completes when the event is written (and flushed, if the policy says so).</returns>
    /// <exception cref="ArgumentException">See <see cref="SseEncoder.WriteEvent(System.Buffers.IBufferWriter{byte}, ReadOnlySpan{char}, string?, string?, TimeSpan?)"/>.</exception>
    public ValueTask WriteEventAsync(string data, string? eventType = null, string? id = null, TimeSpan? retry = null, CancellationToken cancellationToken = default) =>
        WriteAsync((data, eventType, id, retry), static (w, s) => SseEncoder.WriteEvent(w, s.data.AsSpan(), s.eventType, s.id, s.retry), cancellationToken);

    /// <summary>Writes an event whose data is UTF-8.</summary>
    /// <inheritdoc cref="WriteEventAsync(string, string?, string?, TimeSpan?, CancellationToken)"/>
    public ValueTask WriteEventAsync(ReadOnlyMemory<byte> utf8Data, string? eventType = null, string? id = null, TimeSpan? retry = null, CancellationToken cancellationToken = default) =>
        WriteAsync((utf8Data, eventType, id, retry), static (w, s) => SseEncoder.WriteEvent(w, s.utf8Data.Span, s.eventType, s.id, s.retry), cancellationToken);

    /// <summary>Writes an event whose data is a value serialized as JSON.</summary>
    /// <typeparam name="T">The type of the value.</typeparam>
    /// <param name="value">The value.</param>
    /// <param name="jsonTypeInfo">Metadata for <typeparamref name="T"/>.</param>
    /// <param name="eventType">The event type, or <see langword="null"/>.</param>
    /// <param name="id">The event ID, or <see langword="null"/>.</param>
    /// <param name="retry">The reconnection time, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the wait for a turn or a flush.</param>
    /// <returns>A task that completes when the event is written (and flushed, if the policy says so).</returns>
    public ValueTask WriteEventJsonAsync<T>(T value, JsonTypeInfo<T> jsonTypeInfo, string? eventType = null, string? id = null, TimeSpan? retry = null, CancellationToken cancellationToken = default) =>
        WriteAsync((value, jsonTypeInfo, eventType, id, retry), static (w, s) => SseEncoder.WriteEventJson(w, s.value, s.jsonTypeInfo, s.eventType, s.id, s.retry), cancellationToken);

    /// <summary>Writes a comment.</summary>
    /// <param name="text">The comment.</param>
    /// <param name="cancellationToken">Cancels the wait for a turn or a flush.</param>
    /// <returns>A task that completes when the comment is written.</returns>
    public ValueTask WriteCommentAsync(string text, CancellationToken cancellationToken = default) =>
        WriteAsync(text, static (w, s) => SseEncoder.WriteComment(w, s.AsSpan()), cancellationToken);

    /// <summary>Writes a heartbeat (an empty comment line).</summary>
    /// <param name="cancellationToken">Cancels the wait for a turn or a flush.</param>
    /// <returns>A task that completes when the heartbeat is written.</returns>
    public ValueTask WriteHeartbeatAsync(CancellationToken cancellationToken = default) =>
        WriteAsync(0, static (w, _) => SseEncoder.WriteHeartbeat(w), cancellationToken);

    /// <summary>Writes a lone <c>retry</c> line.</summary>
    /// <param name="retry">The reconnection time.</param>
    /// <param name="cancellationToken">Cancels the wait for a turn or a flush.</param>
    /// <returns>A task that completes when the line is written.</returns>
    public ValueTask WriteRetryAsync(TimeSpan retry, CancellationToken cancellationToken = default) =>
        WriteAsync(retry, static (w, s) => SseEncoder.WriteRetry(w, s), cancellationToken);

    /// <summary>Writes an id-only block.</summary>
    /// <param name="id">The new last event ID.</param>
    /// <param name="cancellationToken">Cancels the wait for a turn or a flush.</param>
    /// <returns>A task that completes when the block is written.</returns>
    public ValueTask WriteIdAsync(string id, CancellationToken cancellationToken = default) =>
        WriteAsync(id, static (w, s) => SseEncoder.WriteId(w, s), cancellationToken);

    /// <summary>
    /// Runs <paramref name="write"/> against the pipe in this writer's turn, then applies the flush policy.
    /// </summary>
    /// <typeparam name="TState">The state passed to <paramref name="write"/>, so that it need not capture.</typeparam>
    /// <param name="state">The state.</param>
    /// <param name="write">Writes one item, typically with <see cref="SseEncoder"/>.</param>
    /// <param name="cancellationToken">Cancels the wait for a turn or a flush.</param>
    /// <returns>A task that completes when the item is written (and flushed, if the policy says so).</returns>
    public ValueTask WriteAsync<TState>(TState state, Action<PipeWriter, TState> write, CancellationToken cancellationToken = default)
    {
        if (write is null)
        {
            return ValueTask.FromException(new ArgumentNullException(nameof(write)));
        }

        // A free turn and a flush that completes at once, the usual case, need no async state machine.
        ValueTask turn = _turn.TakeAsync(cancellationToken);
        if (!turn.IsCompletedSuccessfully)
        {
            return WriteAfterTurnAsync(turn, state, write, cancellationToken);
        }

        ValueTask flush;
        try
        {
            flush = WriteInTurn(state, write, cancellationToken);
        }
#pragma warning disable CA1031 // Any failure goes to the returned task, as it would from an async method.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _turn.GiveBack();
            return ValueTask.FromException(e);
        }

        if (flush.IsCompletedSuccessfully)
        {
            _turn.GiveBack();
            return default;
        }

        return GiveBackAfterAsync(flush);
    }

    private async ValueTask WriteAfterTurnAsync<TState>(ValueTask turn, TState state, Action<PipeWriter, TState> write, CancellationToken cancellationToken)
    {
        await turn.ConfigureAwait(false);
        try
        {
            await WriteInTurn(state, write, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _turn.GiveBack();
        }
    }

    private async ValueTask GiveBackAfterAsync(ValueTask flush)
    {
        try
        {
            await flush.ConfigureAwait(false);
        }
        finally
        {
            _turn.GiveBack();
        }
    }

    /// <summary>Writes one item and applies the flush policy; the caller holds the turn.</summary>
    /// <returns>The flush, when the policy asks for one now.</returns>
    private ValueTask WriteInTurn<TState>(TState state, Action<PipeWriter, TState> write, CancellationToken cancellationToken)
    {
        ThrowIfUnusable();
        if (_policy.IsPerItem)
        {
            write(_writer, state);
            return FlushCoreAsync(cancellationToken);
        }

        long before = _writer.CanGetUnflushedBytes ? _writer.UnflushedBytes : 0;
        write(_writer, state);
        _unflushed += _writer.CanGetUnflushedBytes ? _writer.UnflushedBytes - before : 1;
        if (_unflushed >= _policy.MaxBufferedBytes)
        {
            return FlushCoreAsync(cancellationToken);
        }

        if (!_flushScheduled)
        {
            _flushScheduled = true;
            _timer!.Change(_policy.MaxDelay, Timeout.InfiniteTimeSpan);
        }

        return default;
    }

    /// <summary>Flushes whatever was written.</summary>
    /// <param name="cancellationToken">Cancels the wait for a turn or the flush.</param>
    /// <returns>A task that completes when the flush does.</returns>
    public async ValueTask FlushAsync(CancellationToken cancellationToken = default)
    {
        await _turn.TakeAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfUnusable();
            await FlushCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _turn.GiveBack();
        }
    }

    /// <summary>Flushes what is pending, stops the timer and completes the pipe (unless left open).</summary>
    /// <returns>A task that completes when the writer is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        await _turn.TakeAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            if (_timer is not null)
            {
                await _timer.DisposeAsync().ConfigureAwait(false);
            }

            if (_backgroundFault is null)
            {
                await FlushCoreAsync(CancellationToken.None).ConfigureAwait(false);
            }

            if (!_leaveOpen)
            {
                await _writer.CompleteAsync(_backgroundFault).ConfigureAwait(false);
            }
        }
        finally
        {
            _turn.GiveBack();
        }
    }

    private ValueTask FlushCoreAsync(CancellationToken cancellationToken)
    {
        _flushScheduled = false;
        _unflushed = 0;
        ValueTask<FlushResult> flush = _writer.FlushAsync(cancellationToken);
        if (flush.IsCompletedSuccessfully)
        {
            _ = flush.Result;
            return default;
        }

        return AwaitFlushAsync(flush);

        static async ValueTask AwaitFlushAsync(ValueTask<FlushResult> flush) => await flush.ConfigureAwait(false);
    }

    private void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_backgroundFault is { } fault)
        {
            throw new IOException("A background flush failed.", fault);
        }
    }

    private async void OnTimer()
    {
        await _turn.TakeAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (_flushScheduled && !_disposed && _backgroundFault is null)
            {
                await FlushCoreAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
#pragma warning disable CA1031 // A timer callback has no caller to throw to: the fault is kept for the next call.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _backgroundFault = e;
        }
        finally
        {
            _turn.GiveBack();
        }
    }
}

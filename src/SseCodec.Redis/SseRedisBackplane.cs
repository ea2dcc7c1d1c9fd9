using SseCodec.Server;
using StackExchange.Redis;

namespace SseCodec.Redis;

/// <summary>
/// One event stream shared by many server nodes, on a Redis Stream: the backplane and the history of an
/// <see cref="SseHub"/>. Set it as both <see cref="SseHubOptions.Backplane"/> and <see cref="SseHubOptions.History"/> of
/// each node's hub (or call <c>AddRedisBackplane</c>); every node then publishes into the one stream and delivers all of
/// it, and a client resumes on any node with its <c>Last-Event-ID</c>.
/// </summary>
/// <remarks>
/// <para>
/// Each event is one entry of the stream <c>KeyPrefix + StreamName</c>, appended with <c>XADD key MAXLEN ~ n 0-*</c>:
/// Redis numbers the entries <c>0-1</c>, <c>0-2</c>, … atomically for all nodes, and that number is the event's
/// sequence and its SSE <c>id</c>. Every node's reader follows the stream with <c>XREAD BLOCK</c> on a connection of
/// its own, from the last entry it delivered, so a dropped connection loses nothing and repeats nothing. A replay reads
/// after the client's ID with an exclusive <c>XRANGE</c>, a page at a time; an ID the stream does not hold (unknown,
/// or trimmed) is reported as such, and the hub answers it as its <see cref="SseHubOptions.UnknownLastEventId"/> says.
/// </para>
/// <para>
/// While Redis is down, publishing fails at once with <see cref="SseBackplaneException"/> (nothing is buffered); the
/// hub's connections stay open with their heartbeats, and the reader retries and resumes after its last delivered
/// entry. The stream's key must hold only this package's entries and must not be deleted while nodes serve it: a new
/// stream under the same key starts its numbering again.
/// </para>
/// </remarks>
public sealed partial class SseRedisBackplane : ISseBackplane, ISseEventHistory
{
    private readonly SseRedisBackplaneOptions _options;
    private readonly RedisKey _key;
    private readonly KeyValuePair<string, object?> _tag;
    private readonly Task<ConnectionMultiplexer> _connection;
    private readonly CancellationTokenSource _stopping = new();
    private Task _reader = Task.CompletedTask;
    private int _started;
    private int _disposed;

    /// <summary>
    /// Creates the stream and starts connecting (in the background: Redis may be down now). It opens two connections:
    /// one for appends and replays, and one that only the backplane's reader uses, since a blocking read holds its
    /// connection.
    /// </summary>
    /// <param name="options">Where the stream lives and its bounds; validated and copied here.</param>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public SseRedisBackplane(SseRedisBackplaneOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Freeze();
        Key = _options.KeyPrefix + _options.StreamName;
        _key = Key;
        _tag = new KeyValuePair<string, object?>("stream", Key);
        _connection = ConnectionMultiplexer.ConnectAsync(_options.Configuration!);
    }

    /// <summary>The stream's Redis key.</summary>
    public string Key { get; }

    /// <summary>For tests: the connection for appends and replays, to wait for its reconnection rather than poll.</summary>
    internal Task<ConnectionMultiplexer> Connection => _connection;

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">The stream was started already: one stream serves one hub.</exception>
    public void Start(SseBackplaneSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException($"The Redis stream '{Key}' was started already: each hub needs its own SseRedisBackplane.");
        }

        _reader = Task.Run(() => ReadLoopAsync(sink));
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The event is larger than <see cref="SseRedisBackplaneOptions.MaxEventBytes"/>, or does not end with a blank line.</exception>
    public async ValueTask<long> AppendAsync(ReadOnlyMemory<byte> utf8Event, string? group, CancellationToken cancellationToken)
    {
        if (utf8Event.Length > _options.MaxEventBytes)
        {
            throw new ArgumentException($"The event is {utf8Event.Length} bytes, over SseRedisBackplaneOptions.MaxEventBytes ({_options.MaxEventBytes}) of the Redis stream '{Key}'.", nameof(utf8Event));
        }

        if (!StreamEntries.EndsWithBlankLine(utf8Event.Span))
        {
            throw new ArgumentException("The event must be complete, ending with a blank line.", nameof(utf8Event));
        }

        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        RedisValue id;
        try
        {
            IDatabase database = (await _connection.WaitAsync(cancellationToken).ConfigureAwait(false)).GetDatabase();
            long now = _options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds();
            id = await database.StreamAddAsync(_key, StreamEntries.Fields(utf8Event, group, now), StreamEntries.NextId, _options.MaxLength, useApproximateMaxLength: true)
                .WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            SseRedisMetrics.Errors.Add(1, _tag, new KeyValuePair<string, object?>("operation", "append"));
            throw new SseBackplaneException($"Could not append the event to the Redis stream '{Key}': {e.Message} It was not published, unless the connection broke after Redis took it.", e);
        }

        if (!StreamEntries.TryParseSequence(id.ToString(), out long sequence))
        {
            throw new SseBackplaneException($"The Redis stream '{Key}' gave the new entry the ID '{id}', not 0-N: the key holds entries this package did not write.");
        }

        return sequence;
    }

    /// <summary>Stops the reader, then closes both connections.</summary>
    /// <returns>A task that completes when both are closed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _stopping.Cancel();
        await _reader.ConfigureAwait(false);
        try
        {
            ConnectionMultiplexer connection = await _connection.ConfigureAwait(false);
            await connection.CloseAsync(allowCommandsToComplete: false).ConfigureAwait(false);
            connection.Dispose();
        }
        catch (RedisException)
        {
            // It never connected: there is nothing to close.
        }

        _stopping.Dispose();
    }

    private SseBackplaneException Failed(string operation, Exception e)
    {
        SseRedisMetrics.Errors.Add(1, _tag, new KeyValuePair<string, object?>("operation", operation));
        return new SseBackplaneException($"Could not read the Redis stream '{Key}' ({operation}): {e.Message}", e);
    }

    private void ReportMalformed(StreamEntry entry, string problem)
    {
        SseRedisMetrics.MalformedEntries.Add(1, _tag);
        SseRedisLog.Malformed(_options.Logger, Key, entry.Id.ToString(), problem);
    }
}

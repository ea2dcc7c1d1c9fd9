using System.Globalization;
using SseCodec.Server;
using StackExchange.Redis;

namespace SseCodec.Redis;

/// <summary>The backplane's reader: one per node, following the stream and delivering it to the hub in order.</summary>
public sealed partial class SseRedisBackplane
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(50);

    private async Task ReadLoopAsync(SseBackplaneSink sink)
    {
        CancellationToken stopping = _stopping.Token;
        ConnectionMultiplexer? connection = null;
        using CancellationTokenRegistration closeOnStop = stopping.Register(() => Volatile.Read(ref connection)?.Close(allowCommandsToComplete: false));

        // The entry ID after which to read: the last one delivered or passed over. Null until the start is known.
        string? cursor = null;
        TimeSpan retryDelay = FirstRetryDelay;
        bool failing = false;
        byte[] scratch = new byte[256];
        object[] arguments = ["COUNT", _options.ReadBatchSize, "BLOCK", (long)_options.ReadBlockTime.TotalMilliseconds, "STREAMS", _key, ""];
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                try
                {
                    if (connection is null)
                    {
                        ConfigurationOptions configuration = _options.Configuration!.Clone();

                        // The replies are parsed as RESP2 arrays.
                        configuration.Protocol = RedisProtocol.Resp2;
                        Volatile.Write(ref connection, await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false));
                        if (stopping.IsCancellationRequested)
                        {
                            break;
                        }
                    }

                    IDatabase database = connection!.GetDatabase();
                    if (cursor is null)
                    {
                        long last = await LastSequenceAsync(database).ConfigureAwait(false);
                        cursor = StreamEntries.EntryId(last);
                        sink.Start(last);
                    }

                    arguments[^1] = cursor;
                    RedisResult result = await database.ExecuteAsync("XREAD", arguments).ConfigureAwait(false);
                    if (failing)
                    {
                        failing = false;
                        SseRedisMetrics.Reconnects.Add(1, _tag);
                        SseRedisLog.Recovered(_options.Logger, Key, cursor);
                    }

                    retryDelay = FirstRetryDelay;
                    cursor = Deliver(sink, result, cursor, ref scratch);
                }
                catch (Exception e) when (!stopping.IsCancellationRequested)
                {
                    SseRedisMetrics.Errors.Add(1, _tag, new KeyValuePair<string, object?>("operation", "read"));
                    if (!failing)
                    {
                        SseRedisLog.ReadFailed(_options.Logger, Key, e);
                        failing = true;
                    }

                    await DelayAsync(retryDelay, stopping).ConfigureAwait(false);
                    retryDelay = TimeSpan.FromTicks(Math.Min(retryDelay.Ticks * 2, _options.MaxRetryDelay.Ticks));
                }
            }
        }
#pragma warning disable CA1031 // Stopping: a read the closed connection failed, or a canceled wait, is how the loop ends.
        catch (Exception) when (stopping.IsCancellationRequested)
#pragma warning restore CA1031
        {
        }
        finally
        {
            connection?.Dispose();
        }
    }

    /// <summary>The sequence number of the last entry the stream was given (trimmed or not); 0 when there is no stream yet.</summary>
    private async Task<long> LastSequenceAsync(IDatabase database)
    {
        StreamInfo info;
        try
        {
            info = await database.StreamInfoAsync(_key).ConfigureAwait(false);
        }
        catch (RedisServerException e) when (e.Message.Contains("no such key", StringComparison.OrdinalIgnoreCase))
        {
            return 0;
        }

        string last = info.LastGeneratedId.ToString();
        if (last == "0-0")
        {
            return 0;
        }

        return StreamEntries.TryParseSequence(last, out long sequence)
            ? sequence
            : throw new InvalidOperationException($"The Redis stream '{Key}' holds entries this package did not write (its last ID is '{last}', not 0-N): it cannot serve as an event stream.");
    }

    /// <summary>Delivers one XREAD reply, entry by entry, and returns the ID of the last entry read.</summary>
    private string Deliver(SseBackplaneSink sink, RedisResult result, string cursor, ref byte[] scratch)
    {
        if (result.IsNull)
        {
            return cursor;
        }

        // [[key, [[id, [field, value, ...]], ...]]]: one stream asked for.
        foreach (RedisResult stream in (RedisResult[])result!)
        {
            RedisResult[] keyAndEntries = (RedisResult[])stream!;
            foreach (RedisResult item in (RedisResult[])keyAndEntries[1]!)
            {
                StreamEntry entry = ToEntry(item);
                cursor = entry.Id.ToString();
                string? problem = StreamEntries.Check(entry, _options.MaxEventBytes, out long sequence, out ReadOnlyMemory<byte> data, out string? group, out long? time);
                if (problem is not null)
                {
                    ReportMalformed(entry, problem);
                    if (sequence > 0)
                    {
                        sink.Skip(sequence);
                    }

                    continue;
                }

                int size = data.Length + StreamEntries.MaxIdFieldBytes;
                if (scratch.Length < size)
                {
                    scratch = new byte[Math.Max(size, scratch.Length * 2)];
                }

                int length = StreamEntries.WriteEvent(scratch, sequence, data.Span);
                sink.Deliver(new SseHistoryEntry(sequence, sequence.ToString(CultureInfo.InvariantCulture), group, scratch.AsMemory(0, length)));
                if (time is { } appended)
                {
                    SseRedisMetrics.Lag.Record(_options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds() - appended, _tag);
                }
            }
        }

        return cursor;
    }

    /// <summary>One entry of a raw XREAD reply, <c>[id, [field, value, ...]]</c>; an odd field list loses its last name.</summary>
    private static StreamEntry ToEntry(RedisResult item)
    {
        RedisResult[] idAndFields = (RedisResult[])item!;
        RedisResult[] flat = idAndFields.Length > 1 && !idAndFields[1].IsNull ? (RedisResult[])idAndFields[1]! : [];
        var values = new NameValueEntry[flat.Length / 2];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = new NameValueEntry((RedisValue)flat[2 * i], (RedisValue)flat[(2 * i) + 1]);
        }

        return new StreamEntry((RedisValue)idAndFields[0], values);
    }

    private Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken) =>
#if NET8_0_OR_GREATER
        Task.Delay(delay, _options.TimeProvider, cancellationToken);
#else
        _options.TimeProvider.Delay(delay, cancellationToken);
#endif
}

using System.Globalization;
using SseCodec.Server;
using StackExchange.Redis;

namespace SseCodec.Redis;

/// <summary>The history: replays read from the stream itself.</summary>
public sealed partial class SseRedisBackplane
{
    /// <summary>Does nothing: the stream holds every event already, appended by <see cref="AppendAsync"/>.</summary>
    /// <param name="entry">The event the hub delivered.</param>
    public void Append(in SseHistoryEntry entry)
    {
    }

    /// <inheritdoc/>
    /// <remarks>
    /// The IDs are the stream's sequence numbers: anything else (another format, or a number the stream does not hold,
    /// never held, or trimmed) is not found. Only this stream's key is read.
    /// </remarks>
    /// <exception cref="SseBackplaneException">Redis could not be read.</exception>
    public async ValueTask<SseHistoryEntry?> FindAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (!StreamEntries.TryParseDecimal(id.AsSpan(), out long sequence))
        {
            return null;
        }

        string entryId = StreamEntries.EntryId(sequence);
        StreamEntry[] found = await RangeAsync(entryId, entryId, 1, cancellationToken).ConfigureAwait(false);
        if (found.Length == 0)
        {
            return null;
        }

        string? problem = StreamEntries.Check(found[0], _options.MaxEventBytes, out _, out ReadOnlyMemory<byte> data, out string? group, out _);
        if (problem is not null)
        {
            ReportMalformed(found[0], problem);
            return null;
        }

        return ToHistoryEntry(sequence, group, data);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Reads <see cref="SseRedisBackplaneOptions.ReadBatchSize"/> entries at a time with <c>XRANGE key (0-N + COUNT n</c>;
    /// malformed entries are reported and passed over (a page is never empty while well-formed events follow).
    /// </remarks>
    /// <exception cref="SseBackplaneException">Redis could not be read.</exception>
    public async ValueTask<SseReplay> ReadAfterAsync(long sequence, long maxBytes, CancellationToken cancellationToken)
    {
        string from = "(" + StreamEntries.EntryId(sequence);
        bool? contiguous = null;
        var events = new List<SseHistoryEntry>();
        long bytes = 0;
        while (true)
        {
            StreamEntry[] page = await RangeAsync(from, "+", _options.ReadBatchSize, cancellationToken).ConfigureAwait(false);
            foreach (StreamEntry entry in page)
            {
                string problem = StreamEntries.Check(entry, _options.MaxEventBytes, out long entrySequence, out ReadOnlyMemory<byte> data, out string? group, out _) ?? string.Empty;

                // Whether anything between the sequence asked for and this stream's oldest entry after it is missing.
                contiguous ??= entrySequence == sequence + 1;
                if (problem.Length > 0)
                {
                    ReportMalformed(entry, problem);
                    from = "(" + entry.Id.ToString();
                    continue;
                }

                long size = data.Length + StreamEntries.MaxIdFieldBytes;
                if (events.Count > 0 && bytes + size > maxBytes)
                {
                    return new SseReplay(contiguous.Value, events);
                }

                events.Add(ToHistoryEntry(entrySequence, group, data));
                bytes += size;
                from = "(" + entry.Id.ToString();
            }

            if (events.Count > 0 || page.Length < _options.ReadBatchSize)
            {
                return new SseReplay(contiguous ?? true, events);
            }
        }
    }

    private static SseHistoryEntry ToHistoryEntry(long sequence, string? group, ReadOnlyMemory<byte> data)
    {
        byte[] utf8Event = new byte[data.Length + StreamEntries.MaxIdFieldBytes];
        int length = StreamEntries.WriteEvent(utf8Event, sequence, data.Span);
        return new SseHistoryEntry(sequence, sequence.ToString(CultureInfo.InvariantCulture), group, utf8Event.AsMemory(0, length));
    }

    private async Task<StreamEntry[]> RangeAsync(string from, string to, int count, CancellationToken cancellationToken)
    {
        try
        {
            IDatabase database = (await _connection.WaitAsync(cancellationToken).ConfigureAwait(false)).GetDatabase();
            return await database.StreamRangeAsync(_key, from, to, count).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            throw Failed("replay", e);
        }
    }
}

using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace SseCodec.Redis;

/// <summary>Options for an <see cref="SseRedisBackplane"/>: where the stream lives, and the bounds it keeps.</summary>
/// <remarks>Validated and copied when the stream is created: a later change to the object does not reach it.</remarks>
public sealed class SseRedisBackplaneOptions
{
    /// <summary>
    /// How to reach Redis (for instance <c>ConfigurationOptions.Parse("127.0.0.1:6379")</c>); required. The stream
    /// copies it and sets, on its copy, <c>AbortOnConnectFail = false</c> (it starts while Redis is down and reconnects)
    /// and <c>BacklogPolicy.FailFast</c> (while Redis is down a publish fails at once instead of queueing).
    /// </summary>
    public ConfigurationOptions? Configuration { get; set; }

    /// <summary>The start of every key this stream uses, to keep applications, tenants and environments apart. Default: <c>ssecodec:</c>.</summary>
    public string KeyPrefix { get; set; } = "ssecodec:";

    /// <summary>
    /// The stream's name: its key is <see cref="KeyPrefix"/> followed by it. Every node of one event stream uses the
    /// same name; each tenant or session its own. Not empty. Default: <c>default</c>.
    /// </summary>
    public string StreamName { get; set; } = "default";

    /// <summary>
    /// About how many events the stream keeps (<c>XADD MAXLEN ~</c>: Redis trims whole nodes of its radix tree, so a
    /// little more may be kept, never less); at least 1. A client whose <c>Last-Event-ID</c> was trimmed away is told
    /// so as the hub's <see cref="Server.SseHubOptions.UnknownLastEventId"/> says. Default: 10,000.
    /// </summary>
    public long MaxLength { get; set; } = 10_000;

    /// <summary>
    /// The largest encoded event accepted, in bytes; at least 64. A larger one is refused when published, and an entry
    /// this large found in the stream is reported as malformed and passed over. Default: 1 MiB.
    /// </summary>
    public int MaxEventBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// The most entries one read of the backplane's reader or one page of a replay fetches (<c>COUNT</c>); 1 to 10,000.
    /// With <see cref="MaxEventBytes"/> it bounds what one read can hold. Default: 256.
    /// </summary>
    public int ReadBatchSize { get; set; } = 256;

    /// <summary>
    /// How long one blocking read (<c>XREAD BLOCK</c>) waits for new entries before it asks again; from 10 ms to less
    /// than the configuration's <c>AsyncTimeout</c>. Default: 1 s.
    /// </summary>
    public TimeSpan ReadBlockTime { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The longest wait between two attempts of the reader while Redis cannot be reached (the wait doubles from 50 ms
    /// up to this); at least 50 ms. Default: 2 s.
    /// </summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The clock for the reader's retry waits and the lag metric. Default: <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Where the stream logs read failures, reconnections and malformed entries. Default: <see cref="NullLogger.Instance"/>.</summary>
    public ILogger Logger { get; set; } = NullLogger.Instance;

    /// <summary>Checks every option and returns a copy the stream keeps.</summary>
    internal SseRedisBackplaneOptions Freeze()
    {
        if (Configuration is null)
        {
            throw Invalid(nameof(Configuration), "must be set: it says how to reach Redis");
        }

        if (string.IsNullOrEmpty(StreamName))
        {
            throw Invalid(nameof(StreamName), "must not be empty");
        }

        if (KeyPrefix is null)
        {
            throw Invalid(nameof(KeyPrefix), "must not be null (it may be empty)");
        }

        if (MaxLength < 1)
        {
            throw OutOfRange(MaxLength, nameof(MaxLength), "must be at least 1");
        }

        if (MaxEventBytes < 64)
        {
            throw OutOfRange(MaxEventBytes, nameof(MaxEventBytes), "must be at least 64");
        }

        if (ReadBatchSize is < 1 or > 10_000)
        {
            throw OutOfRange(ReadBatchSize, nameof(ReadBatchSize), "must be from 1 to 10,000");
        }

        if (ReadBlockTime < TimeSpan.FromMilliseconds(10) || ReadBlockTime.TotalMilliseconds >= Configuration.AsyncTimeout)
        {
            throw OutOfRange(ReadBlockTime, nameof(ReadBlockTime), $"must be at least 10 ms and less than the configuration's AsyncTimeout ({Configuration.AsyncTimeout} ms)");
        }

        if (MaxRetryDelay < TimeSpan.FromMilliseconds(50))
        {
            throw OutOfRange(MaxRetryDelay, nameof(MaxRetryDelay), "must be at least 50 ms");
        }

        if (TimeProvider is null)
        {
            throw Invalid(nameof(TimeProvider), "must not be null");
        }

        if (Logger is null)
        {
            throw Invalid(nameof(Logger), "must not be null (NullLogger.Instance logs nothing)");
        }

        var copy = (SseRedisBackplaneOptions)MemberwiseClone();
        ConfigurationOptions configuration = Configuration.Clone();
        configuration.AbortOnConnectFail = false;
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        copy.Configuration = configuration;
        return copy;

        static ArgumentOutOfRangeException OutOfRange(object value, string option, string rule) =>
            new("options", value, $"{nameof(SseRedisBackplaneOptions)}.{option} {rule}.");

        static ArgumentException Invalid(string option, string rule) =>
            new($"{nameof(SseRedisBackplaneOptions)}.{option} {rule}.", "options");
    }
}

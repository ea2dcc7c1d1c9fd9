namespace SseCodec.Server;

/// <summary>How one event stream response is written: heartbeats, the reconnection time, flushing and the clock.</summary>
/// <remarks>
/// A stream validates and copies these when it starts: changing the object afterwards affects only streams started
/// later, never one that is running.
/// </remarks>
public sealed class SseStreamOptions
{
    /// <summary>The default <see cref="HeartbeatInterval"/>: 15 seconds.</summary>
    public static readonly TimeSpan DefaultHeartbeatInterval = TimeSpan.FromSeconds(15);

    /// <summary>Options with every default; never modified.</summary>
    internal static SseStreamOptions Default { get; } = new();

    /// <summary>
    /// How long the stream may stay idle before a heartbeat (an empty comment, <c>:</c> and LF) is written, so that
    /// proxies keep the connection open and clients can tell a live stream from a dead one. <see cref="TimeSpan.Zero"/>
    /// or <see cref="Timeout.InfiniteTimeSpan"/> turns heartbeats off; any other negative value is refused when a
    /// stream starts. Default: 15 seconds.
    /// </summary>
    public TimeSpan HeartbeatInterval { get; set; } = DefaultHeartbeatInterval;

    /// <summary>
    /// The reconnection time sent as a lone <c>retry</c> line when the stream opens; none when <see langword="null"/>
    /// (the default), so the client keeps its own. A negative value is refused when a stream starts.
    /// </summary>
    public TimeSpan? ReconnectionTime { get; set; }

    /// <summary>When written events are flushed; <see cref="SseFlushPolicy.PerItem"/> when <see langword="null"/> (the default).</summary>
    public SseFlushPolicy? FlushPolicy { get; set; }

    /// <summary>The clock for heartbeats and coalescing; <see cref="TimeProvider.System"/> when <see langword="null"/>.</summary>
    public TimeProvider? TimeProvider { get; set; }

    /// <summary>Checks every option and returns a copy that the stream keeps for its whole life.</summary>
    /// <param name="options">The caller's options; the defaults when <see langword="null"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it.</exception>
    internal static SseStreamOptions Freeze(SseStreamOptions? options)
    {
        if (options is null)
        {
            return Default;
        }

        if (options.HeartbeatInterval < TimeSpan.Zero && options.HeartbeatInterval != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.HeartbeatInterval, $"{nameof(SseStreamOptions)}.{nameof(HeartbeatInterval)} must not be negative; TimeSpan.Zero or Timeout.InfiniteTimeSpan turns heartbeats off.");
        }

        if (options.ReconnectionTime < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.ReconnectionTime, $"{nameof(SseStreamOptions)}.{nameof(ReconnectionTime)} must not be negative.");
        }

        return (SseStreamOptions)options.MemberwiseClone();
    }

    internal bool HeartbeatsEnabled => HeartbeatInterval > TimeSpan.Zero;
}

namespace SseCodec.Server;

/// <summary>How one event stream response is written: heartbeats, the reconnection time, flushing and the clock.</summary>
public sealed class SseStreamOptions
{
    /// <summary>The default <see cref="HeartbeatInterval"/>: 15 seconds.</summary>
    public static readonly TimeSpan DefaultHeartbeatInterval = TimeSpan.FromSeconds(15);

    private TimeSpan _heartbeatInterval = DefaultHeartbeatInterval;

    /// <summary>Options with every default; never modified.</summary>
    internal static SseStreamOptions Default { get; } = new();

    /// <summary>
    /// How long the stream may stay idle before a heartbeat (an empty comment, <c>:</c> and LF) is written, so that
    /// proxies keep the connection open and clients can tell a live stream from a dead one. <see cref="TimeSpan.Zero"/>
    /// or <see cref="Timeout.InfiniteTimeSpan"/> turns heartbeats off. Default: 15 seconds.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative (other than <see cref="Timeout.InfiniteTimeSpan"/>).</exception>
    public TimeSpan HeartbeatInterval
    {
        get => _heartbeatInterval;
        set
        {
            if (value < TimeSpan.Zero && value != Timeout.InfiniteTimeSpan)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "The heartbeat interval must not be negative.");
            }

            _heartbeatInterval = value;
        }
    }

    /// <summary>
    /// The reconnection time sent as a lone <c>retry</c> line when the stream opens; none when <see langword="null"/>
    /// (the default), so the client keeps its own.
    /// </summary>
    public TimeSpan? Retry { get; set; }

    /// <summary>When written events are flushed; <see cref="SseFlushPolicy.PerItem"/> when <see langword="null"/> (the default).</summary>
    public SseFlushPolicy? FlushPolicy { get; set; }

    /// <summary>The clock for heartbeats and coalescing; <see cref="TimeProvider.System"/> when <see langword="null"/>.</summary>
    public TimeProvider? TimeProvider { get; set; }

    internal bool HeartbeatsEnabled => _heartbeatInterval > TimeSpan.Zero;
}

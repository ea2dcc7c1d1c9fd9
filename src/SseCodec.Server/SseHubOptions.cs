using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace SseCodec.Server;

/// <summary>What an <see cref="SseHub"/> does when a live connection's queue is full.</summary>
public enum SseSlowClientPolicy
{
    /// <summary>
    /// Drop the connection's oldest queued event to make room: the client misses events but stays connected. Each drop
    /// is counted (<c>ssecodec.server.events.dropped</c>) and logged. A connection still replaying or catching up from
    /// the history catches up from it instead of dropping.
    /// </summary>
    DropOldest,

    /// <summary>
    /// Lose nothing: with a history, the connection stops taking live events and catches up from the history instead,
    /// through its backpressure; it is disconnected when the history no longer holds what it needs, or at once when the
    /// hub has no history. A disconnected client resumes with its <c>Last-Event-ID</c>.
    /// </summary>
    Disconnect,
}

/// <summary>Options for an <see cref="SseHub"/>.</summary>
public sealed class SseHubOptions
{
    /// <summary>The default <see cref="UnknownLastEventIdEventType"/>.</summary>
    public const string DefaultUnknownLastEventIdEventType = "last-event-id-unknown";

    private int _queueCapacity = 256;
    private long _maxReplayBytes = 4 * 1024 * 1024;
    private SseSlowClientPolicy _slowClientPolicy = SseSlowClientPolicy.Disconnect;
    private SseUnknownLastEventId _unknownLastEventId = SseUnknownLastEventId.SendEvent;
    private string _unknownLastEventIdEventType = DefaultUnknownLastEventIdEventType;
    private ILogger _logger = NullLogger.Instance;

    /// <summary>The most events queued for one connection that has not written them yet; at least 1. Default: 256.</summary>
    public int QueueCapacity
    {
        get => _queueCapacity;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _queueCapacity = value;
        }
    }

    /// <summary>What to do when a connection's queue is full. Default: <see cref="SseSlowClientPolicy.Disconnect"/>, which loses nothing.</summary>
    public SseSlowClientPolicy SlowClientPolicy
    {
        get => _slowClientPolicy;
        set
        {
            if (!Enum.IsDefined(value))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "Unknown slow-client policy.");
            }

            _slowClientPolicy = value;
        }
    }

    /// <summary>Where published events are kept for replay on reconnection; none when <see langword="null"/> (the default).</summary>
    public ISseEventHistory? History { get; set; }

    /// <summary>
    /// The most bytes one connection is sent from the history (its replay and any catch-up); at least 1. When the next
    /// event would pass it, the stream ends after the last whole event, and the client resumes with its
    /// <c>Last-Event-ID</c>: nothing is lost, and no connection can pull the whole history at once. The first event is
    /// sent even when it alone is larger. Default: 4 MiB.
    /// </summary>
    public long MaxReplayBytes
    {
        get => _maxReplayBytes;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _maxReplayBytes = value;
        }
    }

    /// <summary>
    /// The answer to a <c>Last-Event-ID</c> the history does not hold: unknown, evicted, or the ID of an event of a
    /// group the connection is not in (the three cannot be told apart). Default: <see cref="SseUnknownLastEventId.SendEvent"/>.
    /// </summary>
    public SseUnknownLastEventId UnknownLastEventId
    {
        get => _unknownLastEventId;
        set
        {
            if (!Enum.IsDefined(value))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "Unknown answer to an unknown Last-Event-ID.");
            }

            _unknownLastEventId = value;
        }
    }

    /// <summary>
    /// The event type of the event sent for <see cref="SseUnknownLastEventId.SendEvent"/>; its data is
    /// <c>Last-Event-ID not found</c> and it has no ID. Default: <c>last-event-id-unknown</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The value is empty or has a CR or LF.</exception>
    public string UnknownLastEventIdEventType
    {
        get => _unknownLastEventIdEventType;
        set
        {
            ArgumentException.ThrowIfNullOrEmpty(value);
            if (value.AsSpan().IndexOfAny('\r', '\n') >= 0)
            {
                throw new ArgumentException("An event type cannot contain CR or LF.", nameof(value));
            }

            _unknownLastEventIdEventType = value;
        }
    }

    /// <summary>Where the hub logs dropped events, slow-client disconnects and background failures. Default: <see cref="NullLogger.Instance"/>.</summary>
    public ILogger Logger
    {
        get => _logger;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            _logger = value;
        }
    }

    /// <summary>The hub's name, the <c>hub</c> tag on its metrics. Default: <c>default</c>.</summary>
    public string Name { get; set; } = "default";
}

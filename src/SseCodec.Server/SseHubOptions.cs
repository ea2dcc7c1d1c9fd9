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
/// <remarks>
/// The hub validates and copies these when it is constructed: changing the object afterwards does not reach it.
/// </remarks>
public sealed class SseHubOptions
{
    /// <summary>The default <see cref="UnknownLastEventIdEventType"/>.</summary>
    public const string DefaultUnknownLastEventIdEventType = "last-event-id-unknown";

    /// <summary>The most events queued for one connection that has not written them yet; at least 1. Default: 256.</summary>
    public int QueueCapacity { get; set; } = 256;

    /// <summary>What to do when a connection's queue is full. Default: <see cref="SseSlowClientPolicy.Disconnect"/>, which loses nothing.</summary>
    public SseSlowClientPolicy SlowClientPolicy { get; set; } = SseSlowClientPolicy.Disconnect;

    /// <summary>Where published events are kept for replay on reconnection; none when <see langword="null"/> (the default).</summary>
    public ISseEventHistory? History { get; set; }

    /// <summary>
    /// Carries events between server nodes, so that every node's hub serves one stream; none when <see langword="null"/>
    /// (the default: the hub is in-process). With one, events are published with <c>PublishAsync</c>, numbered by the
    /// backplane, and delivered when they come back from it; set <see cref="History"/> to the backplane's history
    /// (when it has one) so that a client resumes on any node. The hub starts the backplane and disposes it.
    /// </summary>
    public ISseBackplane? Backplane { get; set; }

    /// <summary>
    /// The most bytes one connection is sent from the history (its replay and any catch-up); at least 1. When the next
    /// event would pass it, the stream ends after the last whole event, and the client resumes with its
    /// <c>Last-Event-ID</c>: nothing is lost, and no connection can pull the whole history at once. The first event is
    /// sent even when it alone is larger. Default: 4 MiB.
    /// </summary>
    public long MaxReplayBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>
    /// The answer to a <c>Last-Event-ID</c> the history does not hold: unknown, evicted, or the ID of an event of a
    /// group the connection is not in (the three cannot be told apart). Default: <see cref="SseUnknownLastEventId.SendEvent"/>.
    /// </summary>
    public SseUnknownLastEventId UnknownLastEventId { get; set; } = SseUnknownLastEventId.SendEvent;

    /// <summary>
    /// The event type of the event sent for <see cref="SseUnknownLastEventId.SendEvent"/>: not empty, no CR or LF. Its
    /// data is <c>Last-Event-ID not found</c> and it has no ID. Default: <c>last-event-id-unknown</c>.
    /// </summary>
    public string UnknownLastEventIdEventType { get; set; } = DefaultUnknownLastEventIdEventType;

    /// <summary>Where the hub logs dropped events, slow-client disconnects and background failures. Default: <see cref="NullLogger.Instance"/>.</summary>
    public ILogger Logger { get; set; } = NullLogger.Instance;

    /// <summary>The hub's name, the <c>hub</c> tag on its metrics. Default: <c>default</c>.</summary>
    public string Name { get; set; } = "default";

    /// <summary>Checks every option and returns a copy that the hub keeps for its whole life.</summary>
    /// <param name="options">The caller's options; the defaults when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    internal static SseHubOptions Freeze(SseHubOptions? options)
    {
        if (options is null)
        {
            return new SseHubOptions();
        }

        if (options.QueueCapacity < 1)
        {
            throw OutOfRange(options.QueueCapacity, nameof(QueueCapacity), "must be at least 1");
        }

        if (!Enum.IsDefined(options.SlowClientPolicy))
        {
            throw OutOfRange(options.SlowClientPolicy, nameof(SlowClientPolicy), "is not a defined policy");
        }

        if (options.MaxReplayBytes < 1)
        {
            throw OutOfRange(options.MaxReplayBytes, nameof(MaxReplayBytes), "must be at least 1");
        }

        if (!Enum.IsDefined(options.UnknownLastEventId))
        {
            throw OutOfRange(options.UnknownLastEventId, nameof(UnknownLastEventId), "is not a defined answer");
        }

        if (string.IsNullOrEmpty(options.UnknownLastEventIdEventType) || options.UnknownLastEventIdEventType.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            throw Invalid(nameof(UnknownLastEventIdEventType), "must be an event type: not empty, and without CR or LF");
        }

        if (options.Logger is null)
        {
            throw Invalid(nameof(Logger), "must not be null (NullLogger.Instance logs nothing)");
        }

        if (options.History is ISseBackplane historyBackplane && !ReferenceEquals(historyBackplane, options.Backplane))
        {
            throw Invalid(nameof(History), $"is a backplane's history, which records only what that backplane appends: set {nameof(SseHubOptions)}.{nameof(Backplane)} to it as well");
        }

        if (options.Name is null)
        {
            throw Invalid(nameof(Name), "must not be null");
        }

        return (SseHubOptions)options.MemberwiseClone();

        static ArgumentOutOfRangeException OutOfRange(object value, string option, string rule) =>
            new(nameof(options), value, $"{nameof(SseHubOptions)}.{option} {rule}.");

        static ArgumentException Invalid(string option, string rule) =>
            new($"{nameof(SseHubOptions)}.{option} {rule}.", nameof(options));
    }
}

namespace SseCodec.Client;

/// <summary>
/// The reconnect strategy: whether the client reconnects after a connection ends, and how long it waits first. The
/// wait is the reconnection time after a healthy connection, backed off exponentially (with jitter) after consecutive
/// failures, and always within bounds, whatever the server sends.
/// </summary>
/// <remarks>
/// <para>
/// Failure number <c>n</c> in a row (n ≥ 2) waits between <c>max(R, B / 2)</c> and <c>B</c>, where <c>R</c> is the
/// reconnection time and <c>B = min(max(R, floor) × 2^(n−1), cap)</c>: a <c>retry: 0</c> cannot make the floor
/// zero, so the least wait doubles from <c>floor</c> up to half the cap. A reconnection time over the cap applies in
/// full, and nothing waits longer than the server limit.
/// </para>
/// <para>Its settings are copied from the options when the client is made; its state belongs to the reading flow.</para>
/// </remarks>
internal sealed class ReconnectPolicy
{
    private readonly TimeProvider _time;
    private readonly TimeSpan _floor;
    private readonly TimeSpan _cap;
    private readonly TimeSpan _serverLimit;
    private readonly TimeSpan _resetPeriod;
    private readonly Random? _jitter;
    private readonly bool _mayResend;

    private int _consecutiveFailures;
    private int _retriesWithoutEvent;
    private long? _openedTimestamp;

    /// <param name="options">The client's options, read here once.</param>
    /// <param name="time">The clock that measures how long a connection stayed open.</param>
    /// <param name="jitter">Randomizes a backed-off wait when <see cref="SseClientOptions.UseJitter"/> is on; <c>Random.Shared</c> when <see langword="null"/>.</param>
    public ReconnectPolicy(SseClientOptions options, TimeProvider time, Random? jitter = null)
    {
        _time = time;
        _floor = options.MinBackoffDelay;
        _cap = options.MaxBackoffDelay;
        _serverLimit = options.MaxServerDelay;
        _resetPeriod = options.BackoffResetPeriod;
        _jitter = options.UseJitter ? jitter ?? Random.Shared : null;
        MaxRetries = options.MaxRetries;
        _mayResend = options.ResendNonIdempotentRequests || IsIdempotent(options.Method);
    }

    /// <summary>How many reconnections in a row without an event are allowed; <see langword="null"/> for no limit.</summary>
    public int? MaxRetries { get; }

    /// <summary>A connection opened: if it stays open for the backoff reset period, its end starts the backoff over.</summary>
    public void OnOpened() => _openedTimestamp = _time.GetTimestamp();

    /// <summary>The connection was released.</summary>
    public void OnConnectionReleased() => _openedTimestamp = null;

    /// <summary>An event arrived: the count toward <see cref="MaxRetries"/> starts over.</summary>
    public void OnEvent() => _retriesWithoutEvent = 0;

    /// <summary>The caller restarted the client: its new attempt gets its retries afresh.</summary>
    public void OnRestart() => _retriesWithoutEvent = 0;

    /// <summary>Decides whether a connection that ended for <paramref name="reason"/> is made again.</summary>
    /// <param name="reason">Why the connection ended.</param>
    /// <param name="requestUnsent">Whether the request certainly never reached the server, so that sending it again repeats nothing.</param>
    public ReconnectVerdict Decide(SseFailureReason reason, bool requestUnsent)
    {
        // A drop after a healthy period starts the backoff over.
        if (_openedTimestamp is { } opened && _time.GetElapsedTime(opened) >= _resetPeriod)
        {
            _consecutiveFailures = 0;
        }

        if (!requestUnsent && !_mayResend)
        {
            // Sending a POST again may repeat what it asked for (a paid call, an order): not without the caller's leave.
            return reason == SseFailureReason.EndOfStream ? ReconnectVerdict.EndOfNonIdempotentStream : ReconnectVerdict.NotResendable;
        }

        if (MaxRetries is { } maxRetries && _retriesWithoutEvent >= maxRetries)
        {
            return ReconnectVerdict.RetriesExhausted;
        }

        _retriesWithoutEvent++;
        return ReconnectVerdict.Reconnect;
    }

    /// <summary>Counts one more failure in a row and computes the wait before the reconnection <see cref="Decide"/> allowed.</summary>
    /// <param name="reconnectionTime">The event source's reconnection time (the server's <c>retry</c>, possibly huge).</param>
    /// <param name="retryAfter">The server's <c>Retry-After</c>, if any: waited at least, up to the server limit.</param>
    /// <returns>The wait, and how many reconnections in a row this one is (1 after a healthy connection).</returns>
    public (TimeSpan Delay, int Attempt) NextDelay(TimeSpan reconnectionTime, TimeSpan? retryAfter)
    {
        _consecutiveFailures = _consecutiveFailures == int.MaxValue ? int.MaxValue : _consecutiveFailures + 1;
        return (ComputeDelay(reconnectionTime, _consecutiveFailures, retryAfter), _consecutiveFailures);
    }

    /// <summary>Computes the wait before reconnection number <paramref name="failures"/> in a row.</summary>
    /// <param name="reconnectionTime">The event source's reconnection time.</param>
    /// <param name="failures">1 for the first reconnection after a healthy connection, which waits exactly the reconnection time.</param>
    /// <param name="retryAfter">The server's <c>Retry-After</c>, if any.</param>
    internal TimeSpan ComputeDelay(TimeSpan reconnectionTime, int failures, TimeSpan? retryAfter)
    {
        TimeSpan reconnection = Clamp(reconnectionTime);
        TimeSpan delay = failures <= 1 || reconnection >= _cap ? reconnection : BackOff(reconnection, failures);
        if (retryAfter is { } serverDelay && Clamp(serverDelay) > delay)
        {
            delay = Clamp(serverDelay);
        }

        return delay;
    }

    private TimeSpan BackOff(TimeSpan reconnection, int failures)
    {
        // Spec: "if the previous attempt failed, then user agents might introduce an exponential backoff delay".
        // The base is at least the floor, so a server's retry: 0 cannot turn failures into a storm.
        double start = Math.Max(reconnection.Ticks, _floor.Ticks);
        int doublings = Math.Min(failures - 1, 40);
        double backedOff = Math.Min(start * Math.Pow(2, doublings), _cap.Ticks);
        double least = Math.Max(reconnection.Ticks, backedOff / 2);
        if (_jitter is not null)
        {
#pragma warning disable CA5394 // Jitter spreads reconnections out; it needs no cryptographic randomness.
            backedOff *= 0.5 + (0.5 * _jitter.NextDouble());
#pragma warning restore CA5394
        }

        return TimeSpan.FromTicks((long)Math.Max(least, backedOff));
    }

    /// <summary>Bounds a wait the server chose: never negative, never over the limit (Task.Delay rejects over ~49 days).</summary>
    private TimeSpan Clamp(TimeSpan wait) =>
        wait < TimeSpan.Zero ? TimeSpan.Zero : wait > _serverLimit ? _serverLimit : wait;

    /// <summary>RFC 9110 §9.2.2: GET, HEAD, OPTIONS, TRACE, PUT and DELETE may be sent again; any other method may not.</summary>
    private static bool IsIdempotent(HttpMethod method) =>
        method == HttpMethod.Get || method == HttpMethod.Head || method == HttpMethod.Options
        || method == HttpMethod.Trace || method == HttpMethod.Put || method == HttpMethod.Delete;
}

/// <summary>What <see cref="ReconnectPolicy.Decide"/> says about a connection that ended.</summary>
internal enum ReconnectVerdict
{
    /// <summary>Wait, then connect again.</summary>
    Reconnect,

    /// <summary>The body of a request that may not be sent again ended: the client closes, as the stream is over.</summary>
    EndOfNonIdempotentStream,

    /// <summary>A request that may not be sent again broke off: the connection fails.</summary>
    NotResendable,

    /// <summary><see cref="SseClientOptions.MaxRetries"/> reconnections in a row brought no event: the connection fails.</summary>
    RetriesExhausted,
}

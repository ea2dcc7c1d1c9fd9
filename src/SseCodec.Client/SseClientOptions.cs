namespace SseCodec.Client;

/// <summary>How an <see cref="SseClient"/> makes its requests and when it reconnects.</summary>
/// <remarks>
/// The client reads the request members (<see cref="Method"/>, <see cref="ContentFactory"/>, <see cref="Headers"/>,
/// <see cref="ConfigureRequest"/>) for every request it sends, and the rest when it is created or when they are needed.
/// Change an instance only before the client that uses it starts reading.
/// </remarks>
public sealed class SseClientOptions
{
    /// <summary>The default <see cref="DefaultReconnectionTime"/>: 3 seconds, as browsers use.</summary>
    public static readonly TimeSpan DefaultReconnectionTimeValue = TimeSpan.FromSeconds(3);

    private TimeSpan _defaultReconnectionTime = DefaultReconnectionTimeValue;
    private TimeSpan _maxReconnectionDelay = TimeSpan.FromSeconds(30);
    private TimeSpan _backoffResetPeriod = TimeSpan.FromSeconds(30);
    private TimeSpan _readTimeout = Timeout.InfiniteTimeSpan;
    private int _maxErrorBodyLength = 4096;

    /// <summary>The request method: <see cref="HttpMethod.Get"/> unless set, <see cref="HttpMethod.Post"/> for LLM-style APIs.</summary>
    public HttpMethod Method { get; set; } = HttpMethod.Get;

    /// <summary>
    /// Makes the request body, called once for every request, so the body is sent again on every reconnection;
    /// <see langword="null"/> for no body. The client disposes each content with its request.
    /// </summary>
    /// <example><c>options.ContentFactory = () => JsonContent.Create(prompt, MyJsonContext.Default.Prompt);</c></example>
    public Func<HttpContent>? ContentFactory { get; set; }

    /// <summary>
    /// Headers added to every request, replacing any the client sets itself (such as <c>Accept</c>). A content header
    /// (such as <c>Content-Type</c>) goes on the body made by <see cref="ContentFactory"/>.
    /// </summary>
    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Called with every request just before it is sent, after the client set its headers: for a fresh access token, say.</summary>
    public Action<HttpRequestMessage>? ConfigureRequest { get; set; }

    /// <summary>
    /// The last event ID to resume from: sent as <c>Last-Event-ID</c> on the first request, as though an earlier
    /// connection had received it. <see langword="null"/> or empty for none.
    /// </summary>
    public string? LastEventId { get; set; }

    /// <summary>
    /// The reconnection time until the server sets one with a <c>retry</c> field: 3 seconds by default.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public TimeSpan DefaultReconnectionTime
    {
        get => _defaultReconnectionTime;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            _defaultReconnectionTime = value;
        }
    }

    /// <summary>
    /// The cap on the backed-off delay after consecutive failed connections: 30 seconds by default. A reconnection time
    /// set by the server that is longer still applies in full.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public TimeSpan MaxReconnectionDelay
    {
        get => _maxReconnectionDelay;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            _maxReconnectionDelay = value;
        }
    }

    /// <summary>
    /// How long a connection must stay open to count as healthy: a drop after that waits the plain reconnection time
    /// again, with no backoff. 30 seconds by default.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public TimeSpan BackoffResetPeriod
    {
        get => _backoffResetPeriod;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            _backoffResetPeriod = value;
        }
    }

    /// <summary>
    /// Whether the backed-off delay is randomized (between half and all of it, never below the reconnection time),
    /// so that many clients do not reconnect in step. <see langword="true"/> by default.
    /// </summary>
    public bool UseJitter { get; set; } = true;

    /// <summary>
    /// How long the client waits for any byte (a comment or heartbeat counts) before it drops the connection and
    /// reconnects; it also bounds the wait for the response headers. <see cref="Timeout.InfiniteTimeSpan"/>, the default, waits for ever.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is zero or negative and not infinite.</exception>
    public TimeSpan ReadTimeout
    {
        get => _readTimeout;
        set
        {
            if (value != Timeout.InfiniteTimeSpan)
            {
                ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
            }

            _readTimeout = value;
        }
    }

    /// <summary>
    /// Whether a 5xx or 429 response is retried with backoff (at least as long as its <c>Retry-After</c>) instead of
    /// failing the connection. <see langword="false"/> by default, as <c>EventSource</c> fails on any status but 200.
    /// </summary>
    public bool RetryServerErrors { get; set; }

    /// <summary>
    /// How many bytes of a failed response's body (a status other than 200 and 204, or the wrong content type) are read
    /// into <see cref="SseConnectionException.ResponseBody"/>: APIs explain a refused request there (an error JSON
    /// naming a bad key or an exceeded quota). 4,096 by default; 0 reads none. The read takes at most
    /// <see cref="ReadTimeout"/>, or 10 seconds when that is infinite; a body that cannot be read is left out, and the
    /// failure stays the same.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative or over 1 MiB.</exception>
    public int MaxErrorBodyLength
    {
        get => _maxErrorBodyLength;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 1024 * 1024);
            _maxErrorBodyLength = value;
        }
    }

    /// <summary>The parser's limits and buffer pool; the defaults when <see langword="null"/>.</summary>
    public SseParserOptions? ParserOptions { get; set; }

    /// <summary>The clock for every delay and timeout; <see cref="TimeProvider.System"/> unless set (tests pass a fake one).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}

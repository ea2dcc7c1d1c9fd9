namespace SseCodec.Client;

/// <summary>How an <see cref="SseClient"/> makes its requests and when it reconnects.</summary>
/// <remarks>
/// The client validates these settings and copies them when it is made (<see cref="Headers"/> and
/// <see cref="ParserOptions"/> too): a change to the instance afterwards does not reach that client, so an instance can
/// be changed and used again for another client. The delegates (<see cref="ContentFactory"/>,
/// <see cref="ConfigureRequest"/>) are called for every request.
/// </remarks>
public sealed class SseClientOptions
{
    /// <summary>The default <see cref="ReconnectionTime"/>: 3 seconds, as browsers use.</summary>
    public static readonly TimeSpan DefaultReconnectionTime = TimeSpan.FromSeconds(3);

    private TimeSpan _reconnectionTime = DefaultReconnectionTime;
    private TimeSpan _maxBackoffDelay = TimeSpan.FromSeconds(30);
    private TimeSpan _backoffResetPeriod = TimeSpan.FromSeconds(30);
    private TimeSpan _minBackoffDelay = TimeSpan.FromSeconds(1);
    private TimeSpan _maxServerDelay = TimeSpan.FromMinutes(10);
    private TimeSpan _readTimeout = Timeout.InfiniteTimeSpan;
    private int _maxErrorBodyLength = 4096;
    private int? _maxRetries;
    private int _maxRedirects = 10;
    private SseLastEventIdEncoding _lastEventIdEncoding;

    /// <summary>The longest <see cref="MaxServerDelay"/> can be set to: one day, well inside what a timer accepts.</summary>
    public static readonly TimeSpan MaxServerDelayLimit = TimeSpan.FromDays(1);

    /// <summary>The most <see cref="MaxRedirects"/> can be set to.</summary>
    public const int MaxRedirectsLimit = 50;

    /// <summary>The request method: <see cref="HttpMethod.Get"/> unless set, <see cref="HttpMethod.Post"/> for LLM-style APIs.</summary>
    public HttpMethod Method { get; set; } = HttpMethod.Get;

    /// <summary>
    /// Makes the request body, called once for every request, so the body is sent again on every reconnection
    /// (a non-idempotent request reconnects only with <see cref="ResendNonIdempotentRequests"/>) and on a 307 or 308
    /// redirect; <see langword="null"/> for no body. The client disposes each content with its request.
    /// </summary>
    /// <example><c>options.ContentFactory = () => JsonContent.Create(prompt, MyJsonContext.Default.Prompt);</c></example>
    public Func<HttpContent>? ContentFactory { get; set; }

    /// <summary>
    /// Headers added to every request, replacing any the client sets itself (such as <c>Accept</c>). A content header
    /// (such as <c>Content-Type</c>) goes on the body made by <see cref="ContentFactory"/>. They are not sent after a
    /// redirect to another origin (see <see cref="MaxRedirects"/>).
    /// </summary>
    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Called with every request just before it is sent, after the client set its headers: for a fresh access token,
    /// say. Not called for a request that follows a redirect to another origin, so what it adds stays with the origin
    /// of <see cref="SseClient.Url"/>.
    /// </summary>
    public Action<HttpRequestMessage>? ConfigureRequest { get; set; }

    /// <summary>
    /// The last event ID to resume from: sent as <c>Last-Event-ID</c> on the first request, as though an earlier
    /// connection had received it. <see langword="null"/> or empty for none.
    /// </summary>
    public string? LastEventId { get; set; }

    /// <summary>
    /// How a last event ID that is not ASCII is sent in <c>Last-Event-ID</c>: as UTF-8, as the spec asks (the default),
    /// percent-encoded, or not at all (the connection fails). See <see cref="SseLastEventIdEncoding"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not one of <see cref="SseLastEventIdEncoding"/>'s.</exception>
    public SseLastEventIdEncoding LastEventIdEncoding
    {
        get => _lastEventIdEncoding;
        set
        {
            if (value is not (SseLastEventIdEncoding.Utf8 or SseLastEventIdEncoding.PercentEncoded or SseLastEventIdEncoding.AsciiOnly))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "Not an SseLastEventIdEncoding.");
            }

            _lastEventIdEncoding = value;
        }
    }

    /// <summary>
    /// The reconnection time (spec: "the reconnection time of the event source") until the server sets one with a
    /// <c>retry</c> field: <see cref="DefaultReconnectionTime"/>, 3 seconds, unless set.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public TimeSpan ReconnectionTime
    {
        get => _reconnectionTime;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            _reconnectionTime = value;
        }
    }

    /// <summary>
    /// The cap on the backed-off delay after consecutive failed connections: 30 seconds by default. A reconnection time
    /// set by the server that is longer still applies in full, up to <see cref="MaxServerDelay"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public TimeSpan MaxBackoffDelay
    {
        get => _maxBackoffDelay;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            _maxBackoffDelay = value;
        }
    }

    /// <summary>
    /// The least a backed-off delay starts from, whatever the server's <c>retry</c>: 1 second by default. A connection
    /// that ends before <see cref="BackoffResetPeriod"/> counts as a failure; the first reconnection after a healthy
    /// connection waits the plain reconnection time (even 0), and failure number n in a row (n ≥ 2) waits at least
    /// half of <c>min(max(reconnection time, this) × 2^(n−1), MaxBackoffDelay)</c>. So <c>retry: 0</c> and an
    /// immediate close cannot make the client reconnect in a loop.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is zero or negative, or longer than <see cref="MaxServerDelayLimit"/>.</exception>
    public TimeSpan MinBackoffDelay
    {
        get => _minBackoffDelay;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, MaxServerDelayLimit);
            _minBackoffDelay = value;
        }
    }

    /// <summary>
    /// The longest the server can make the client wait before a reconnection, by a <c>retry</c> field or a
    /// <c>Retry-After</c> header (seconds or a date): 10 minutes by default. Longer values are waited as this.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative or longer than <see cref="MaxServerDelayLimit"/>.</exception>
    public TimeSpan MaxServerDelay
    {
        get => _maxServerDelay;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, MaxServerDelayLimit);
            _maxServerDelay = value;
        }
    }

    /// <summary>
    /// How many reconnections in a row that bring no event the client makes before it gives up with an
    /// <see cref="SseConnectionException"/> (<see cref="SseFailureReason.RetriesExhausted"/>): a closed port or a server
    /// that keeps failing. An event received starts the count over. <see langword="null"/>, the default, retries for
    /// ever, as <c>EventSource</c> does; 0 never reconnects after a failure.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int? MaxRetries
    {
        get => _maxRetries;
        set
        {
            if (value is { } retries)
            {
                ArgumentOutOfRangeException.ThrowIfNegative(retries);
            }

            _maxRetries = value;
        }
    }

    /// <summary>
    /// How many redirects (301, 302, 303, 307, 308) one connection follows: 10 by default; 0 follows none (a redirect
    /// then fails the connection). The client follows them itself, so that <see cref="Headers"/>, what
    /// <see cref="ConfigureRequest"/> adds and cookies go only to the origin of <see cref="SseClient.Url"/>; a redirect
    /// from https to http fails the connection (<see cref="SseFailureReason.RedirectRefused"/>). 303, and 301 or 302
    /// after a POST, continue with a GET without body; 307 and 308 keep the method and send a fresh body. With a
    /// caller-supplied <see cref="HttpClient"/> whose handler follows redirects itself, that handler decides instead
    /// (.NET drops only <c>Authorization</c> across origins): turn its <c>AllowAutoRedirect</c> off to get this.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative or over <see cref="MaxRedirectsLimit"/>.</exception>
    public int MaxRedirects
    {
        get => _maxRedirects;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, MaxRedirectsLimit);
            _maxRedirects = value;
        }
    }

    /// <summary>
    /// Whether a non-idempotent request (<see cref="HttpMethod.Post"/>, <c>PATCH</c>, any method but GET, HEAD, OPTIONS,
    /// TRACE, PUT and DELETE) is sent again to reconnect. <see langword="false"/> by default: re-sending a POST can
    /// repeat what it asked for (a paid LLM call, an order). Without it, the end of the body closes the client
    /// (<see cref="SseCloseReason.Ended"/>), and a drop or read timeout after the request may have reached the server
    /// fails the connection; a connection that could not be made at all, and a 5xx or 429 retried by
    /// <see cref="RetryServerErrors"/>, are still retried.
    /// </summary>
    public bool ResendNonIdempotentRequests { get; set; }

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

    /// <summary>The default <see cref="SseParserOptions.MaxLineLength"/> and <see cref="SseParserOptions.MaxEventSize"/> of a client: 64 MiB.</summary>
    public const int DefaultMaxMessageSize = 64 * 1024 * 1024;

    /// <summary>
    /// The parser's limits and buffer pool. When <see langword="null"/>, the client allows lines and events of up to
    /// <see cref="DefaultMaxMessageSize"/> (LLM and log streams send multi-megabyte events on one line; browsers have no
    /// limit), still a hard cap for an endless line.
    /// </summary>
    public SseParserOptions? ParserOptions { get; set; }

    /// <summary>The clock for every delay and timeout; <see cref="TimeProvider.System"/> unless set (tests pass a fake one).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// Checks what the setters cannot check one by one, when a client is made: the last event ID against its encoding,
    /// the method, and headers that could not be sent.
    /// </summary>
    /// <returns>The last event ID as UTF-8; empty for none.</returns>
    /// <exception cref="ArgumentException">A setting cannot be used; the message names it.</exception>
    internal byte[] Validate(string paramName)
    {
        if (Method is null)
        {
            throw new ArgumentException("SseClientOptions.Method is null.", paramName);
        }

        foreach (KeyValuePair<string, string> header in Headers)
        {
            if (string.IsNullOrWhiteSpace(header.Key) || header.Value is null || header.Value.AsSpan().IndexOfAny('\0', '\r', '\n') >= 0)
            {
                throw new ArgumentException($"SseClientOptions.Headers has a header that cannot be sent: '{header.Key}'. A header needs a name, and a value without NUL, CR or LF.", paramName);
            }
        }

        if (LastEventId is null || LastEventId.Length == 0)
        {
            return [];
        }

        if (LastEventId.AsSpan().IndexOfAny('\0', '\r', '\n') >= 0)
        {
            throw new ArgumentException("A last event ID cannot contain U+0000, CR or LF.", paramName);
        }

        if (SseRequestFactory.EncodeLastEventId(LastEventId, LastEventIdEncoding) is null)
        {
            throw new ArgumentException("SseClientOptions.LastEventId is not ASCII, and LastEventIdEncoding is AsciiOnly.", paramName);
        }

        return System.Text.Encoding.UTF8.GetBytes(LastEventId);
    }

    /// <summary>A copy of <see cref="ParserOptions"/>, which a parser reads whenever one is made: a change after the client is made does not reach it.</summary>
    internal SseParserOptions? CopyParserOptions() => ParserOptions is { } parser
        ? new SseParserOptions { MaxLineLength = parser.MaxLineLength, MaxEventSize = parser.MaxEventSize, BufferPool = parser.BufferPool }
        : null;
}

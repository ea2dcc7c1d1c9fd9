using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;

namespace SseCodec.Client;

/// <summary>
/// Consumes a <c>text/event-stream</c> over <see cref="HttpClient"/> with the behaviour of the browser's
/// <c>EventSource</c> (WHATWG HTML §9.2): it reconnects after network errors and the end of the body, waits the
/// server's reconnection time, resumes with <c>Last-Event-ID</c>, stops for good on 204, and fails on any other status
/// or content type. Every wait is bounded (see <see cref="SseClientOptions.MinBackoffDelay"/> and
/// <see cref="SseClientOptions.MaxServerDelay"/>); a POST is not sent again unless
/// <see cref="SseClientOptions.ResendNonIdempotentRequests"/> allows it.
/// </summary>
/// <remarks>
/// <para>
/// The client is pull-driven: it connects, waits and reconnects only inside <see cref="ReadAsync"/> (or an
/// <c>await foreach</c> over the client), so no event is buffered and nothing runs in the background. Each event is
/// the parser's zero-allocation <see cref="SseEvent"/> view, valid until the next read; copy what must outlive it.
/// </para>
/// <para>
/// One consumer reads at a time. <see cref="Close"/>, <see cref="Restart"/>, <see cref="Dispose"/> and
/// <see cref="ReadyState"/> may be used from any thread. Notifications (<see cref="Opened"/>, <see cref="Error"/>,
/// <see cref="ReconnectScheduled"/>, <see cref="CommentReceived"/>, and <see cref="Closed"/> when the stream itself
/// ends it) are raised synchronously on the reading flow, in the order things happen, never concurrently with each
/// other; <see cref="Closed"/> caused by <see cref="Close"/> or <see cref="Dispose"/> is raised on the caller's thread.
/// An exception thrown by a handler propagates out of the read.
/// </para>
/// <para>
/// Shutting down by cancelling a read's token, by <see cref="Close"/>, by <see cref="Dispose"/> or by leaving an
/// <c>await foreach</c> aborts the response and returns the parser's pooled buffers.
/// </para>
/// </remarks>
public sealed class SseClient : IAsyncEnumerable<SseEvent>, IDisposable, IAsyncDisposable
{
    private const string LastEventIdHeader = "Last-Event-ID";

    // netstandard2.0's HttpStatusCode has no names for these.
    private const HttpStatusCode TooManyRequests = (HttpStatusCode)429;
    private const HttpStatusCode PermanentRedirect = (HttpStatusCode)308;
    private static readonly MediaTypeWithQualityHeaderValue EventStreamAccept = new("text/event-stream");
    private static readonly CacheControlHeaderValue NoCache = new() { NoCache = true };

    // Without ParserOptions: room for the multi-megabyte single-line events of LLM and log streams, still a hard cap.
    private static readonly SseParserOptions ClientParserOptions = new()
    {
        MaxLineLength = SseClientOptions.DefaultMaxMessageSize,
        MaxEventSize = SseClientOptions.DefaultMaxMessageSize,
    };

    private readonly HttpClient _httpClient;
    private readonly bool _disposeHttpClient;
    private readonly Uri _url;
    private readonly SseClientOptions _options;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();

    // Shared with Close, Restart and Dispose: guarded by _gate, but for the end of a read's fast path (see EndFastRead).
    private SseReadyState _readyState;
    private CancellationTokenSource? _attemptCts;
    private bool _reading;
    private bool _closeRequested;
    private bool _restartRequested;
    private bool _disposed;
    private byte[] _savedLastEventId;
    private TimeSpan? _savedReconnectionTime;

    // Owned by the reading flow (or by whoever holds _gate while no read is in progress).
    private SseDecoder? _decoder;
    private SseConnection? _connection;
    private bool _opened;
    private long _openedTimestamp;
    private int _consecutiveFailures;
    private int _retriesWithoutEvent;
    private TimeSpan? _pendingDelay;

    /// <summary>Creates a client that makes its own <see cref="HttpClient"/>, disposed with the client.</summary>
    /// <param name="url">The absolute URL of the event stream.</param>
    /// <param name="options">Request and reconnection settings; the defaults when <see langword="null"/>.</param>
    /// <remarks>
    /// Its handler sends a non-ASCII <c>Last-Event-ID</c> as UTF-8, as the spec asks. In the netstandard2.0 build the
    /// handler is <see cref="HttpClientHandler"/> (netstandard2.0 has no <c>SocketsHttpHandler</c>): it decodes gzip
    /// and deflate but not brotli, and a non-ASCII ID is handed to it as its UTF-8 bytes, one char per byte, which
    /// .NET Framework's handler writes unchanged and .NET Core's refuses (the request fails as a connection error).
    /// </remarks>
    public SseClient(Uri url, SseClientOptions? options = null)
        : this(CreateHttpClient(), url, options, disposeHttpClient: true)
    {
    }

    /// <summary>Creates a client over an <see cref="HttpClient"/> the caller owns (from <c>IHttpClientFactory</c>, say).</summary>
    /// <param name="httpClient">The client to send requests with. Its handler decides on redirects, HTTP versions and proxies; its <c>DefaultRequestVersion</c> and <c>DefaultVersionPolicy</c> apply (not in the netstandard2.0 build, which cannot read them: requests there have <see cref="HttpRequestMessage"/>'s default version unless <see cref="SseClientOptions.ConfigureRequest"/> sets one).</param>
    /// <param name="url">The URL of the event stream; relative to <see cref="HttpClient.BaseAddress"/> if not absolute.</param>
    /// <param name="options">Request and reconnection settings; the defaults when <see langword="null"/>.</param>
    /// <param name="disposeHttpClient"><see langword="true"/> to dispose <paramref name="httpClient"/> with this client.</param>
    public SseClient(HttpClient httpClient, Uri url, SseClientOptions? options = null, bool disposeHttpClient = false)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(url);
        _httpClient = httpClient;
        _disposeHttpClient = disposeHttpClient;
        _url = url;
        _options = options ?? new SseClientOptions();
        _time = _options.TimeProvider ?? TimeProvider.System;
        _savedLastEventId = string.IsNullOrEmpty(_options.LastEventId) ? [] : Encoding.UTF8.GetBytes(_options.LastEventId);
        if (_savedLastEventId.AsSpan().IndexOfAny((byte)0, (byte)'\r', (byte)'\n') >= 0)
        {
            throw new ArgumentException("A last event ID cannot contain U+0000, CR or LF.", nameof(options));
        }
    }

    /// <summary>Raised when a connection opens: a 200 response with a <c>text/event-stream</c> body.</summary>
    public event EventHandler<SseOpenedEventArgs>? Opened;

    /// <summary>
    /// Raised when a connection ends or cannot be opened, as <c>EventSource</c> fires <c>error</c>: before every
    /// reconnection (<see cref="SseErrorEventArgs.WillReconnect"/>), and when the connection fails for good.
    /// </summary>
    public event EventHandler<SseErrorEventArgs>? Error;

    /// <summary>Raised when the client has decided to reconnect, with the delay it will wait first.</summary>
    public event EventHandler<SseReconnectEventArgs>? ReconnectScheduled;

    /// <summary>Raised once each time the client reaches <see cref="SseReadyState.Closed"/>.</summary>
    public event EventHandler<SseClosedEventArgs>? Closed;

    /// <summary>Raised for each comment line (heartbeats are usually comments). The comment is copied into a string only when a handler is attached.</summary>
    public event EventHandler<SseCommentEventArgs>? CommentReceived;

    /// <summary>The state of the connection. Safe to read from any thread.</summary>
    public SseReadyState ReadyState
    {
        get
        {
            lock (_gate)
            {
                return _readyState;
            }
        }
    }

    /// <summary>The URL of the event stream.</summary>
    public Uri Url => _url;

    /// <summary>
    /// The last event ID as of the last connection's end: what the next request sends as <c>Last-Event-ID</c> once the
    /// current connection is over. During a connection, read each event's <see cref="SseEvent.LastEventId"/>.
    /// </summary>
    public string LastEventId
    {
        get
        {
            lock (_gate)
            {
                return Encoding.UTF8.GetString(_savedLastEventId);
            }
        }
    }

    /// <summary>The reconnection time: the server's last valid <c>retry</c>, or <see cref="SseClientOptions.DefaultReconnectionTime"/>.</summary>
    public TimeSpan ReconnectionTime
    {
        get
        {
            lock (_gate)
            {
                return _savedReconnectionTime ?? _options.DefaultReconnectionTime;
            }
        }
    }

    /// <summary>The event the last successful <see cref="ReadAsync"/> moved to, valid until the next read.</summary>
    /// <exception cref="InvalidOperationException">The last read did not produce an event.</exception>
    public SseEvent Current => _connection is { } connection ? connection.Current : throw new InvalidOperationException("The last read did not produce an event.");

    /// <summary>
    /// Moves to the next event, connecting and reconnecting as needed. The event is then in <see cref="Current"/>
    /// until the next read.
    /// </summary>
    /// <param name="cancellationToken">Cancelling it shuts the client down: the connection is aborted and the client is <see cref="SseReadyState.Closed"/>.</param>
    /// <returns><see langword="true"/> with an event in <see cref="Current"/>; <see langword="false"/> when the client is closed: by a 204 response, by the end of a non-idempotent request's body, by <see cref="Close"/>, or earlier.</returns>
    /// <exception cref="SseConnectionException">The connection failed: a status other than 200 and 204, another content type or content coding, a parser limit, a refused redirect, <see cref="SseClientOptions.MaxRetries"/> ran out, or a non-idempotent request broke off. The client is closed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled. The client is closed.</exception>
    /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
    /// <exception cref="InvalidOperationException">Another read is in progress.</exception>
    public ValueTask<bool> ReadAsync(CancellationToken cancellationToken = default)
    {
        SseConnection? connection;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_reading)
            {
                throw new InvalidOperationException("Another read is in progress: an SseClient has one consumer at a time.");
            }

            if (_readyState == SseReadyState.Closed)
            {
                ReleaseConnection(keepDecoder: false);
                return new ValueTask<bool>(false);
            }

            _reading = true;
            connection = _restartRequested ? null : _connection;
        }

        if (connection is null)
        {
            return ReadCoreAsync(firstRead: null, cancellationToken);
        }

        // The next event is usually in the reader's buffer already: take it without a state machine or a second lock.
        ValueTask<SseItemKind> read;
        try
        {
            read = connection.ReadAsync(withComments: CommentReceived is not null);
        }
        catch (Exception exception)
        {
            // Thrown before the reader's first await (a parser limit, say): handled like any failed read.
            read = ValueTask.FromException<SseItemKind>(exception);
        }

        if (read.IsCompletedSuccessfully)
        {
            SseItemKind kind = read.Result;
            if (kind == SseItemKind.Event)
            {
                _retriesWithoutEvent = 0;
                return new ValueTask<bool>(EndFastRead());
            }

            read = new ValueTask<SseItemKind>(kind);
        }

        return ReadCoreAsync(read, cancellationToken);
    }

    /// <summary>
    /// Ends a read that found its event without waiting, without taking the gate. <see cref="CloseCore"/> sets the state
    /// to closed and then looks at <see cref="_reading"/>; this clears <see cref="_reading"/> and then looks at the
    /// state, each with a full fence between, so at least one of them sees the other: a close that came during the read
    /// is never missed, and the connection is released here or there (twice is harmless), never while still in use.
    /// </summary>
    /// <returns><see langword="true"/> to deliver the event; <see langword="false"/> when the client was closed during the read.</returns>
    private bool EndFastRead()
    {
        Volatile.Write(ref _reading, false);
        Interlocked.MemoryBarrier();
        if (_readyState != SseReadyState.Closed)
        {
            return true;
        }

        // Spec (close()): "Set this's readyState attribute to CLOSED"; a read pending at that moment returns false.
        lock (_gate)
        {
            if (!_reading)
            {
                ReleaseConnection(keepDecoder: false);
            }
        }

        return false;
    }

    /// <summary>
    /// Reads every event until the client closes, for <c>await foreach</c>. Each event is valid until the loop moves on.
    /// Leaving the loop early closes the client; <see cref="Restart"/> reopens it.
    /// </summary>
    /// <param name="cancellationToken">Cancelling it shuts the client down.</param>
    /// <exception cref="SseConnectionException">The connection failed.</exception>
    public async IAsyncEnumerable<SseEvent> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        try
        {
            while (await ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return Current;
            }
        }
        finally
        {
            Close();
        }
    }

    /// <summary>Reads every event until the client closes; see <see cref="ReadAllAsync"/>.</summary>
    /// <param name="cancellationToken">Cancelling it shuts the client down.</param>
    public IAsyncEnumerator<SseEvent> GetAsyncEnumerator(CancellationToken cancellationToken = default) =>
        ReadAllAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);

    /// <summary>
    /// Closes the client, as <c>EventSource.close()</c>: the state becomes <see cref="SseReadyState.Closed"/> at once,
    /// a pending read returns <see langword="false"/>, and the response is aborted. <see cref="Restart"/> reopens it.
    /// </summary>
    public void Close() => CloseCore(disposing: false);

    /// <summary>
    /// Drops the current connection, if any, and connects again at once, with no reconnection delay and with the last
    /// event ID. A closed client is reopened: the next read connects.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
    public void Restart()
    {
        CancellationTokenSource? attempt;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _restartRequested = true;
            _closeRequested = false;
            _readyState = SseReadyState.Connecting;
            attempt = _attemptCts;
        }

        CancelQuietly(attempt);
    }

    /// <summary>Closes the client, aborts the response, returns pooled buffers and, if owned, disposes the <see cref="HttpClient"/>.</summary>
    public void Dispose() => CloseCore(disposing: true);

    /// <summary>Closes the client, aborts the response, returns pooled buffers and, if owned, disposes the <see cref="HttpClient"/>.</summary>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private void CloseCore(bool disposing)
    {
        CancellationTokenSource? attempt;
        bool raise;
        bool disposeHttp = false;
        lock (_gate)
        {
            if (disposing)
            {
                disposeHttp = !_disposed && _disposeHttpClient;
                _disposed = true;
            }

            raise = _readyState != SseReadyState.Closed;
            _readyState = SseReadyState.Closed;
            _closeRequested = true;
            _restartRequested = false;
            attempt = _attemptCts;

            // Pairs with EndFastRead, which clears _reading outside the gate: the closed state is visible before _reading is looked at.
            Interlocked.MemoryBarrier();
            if (!Volatile.Read(ref _reading))
            {
                // No read is in progress, so nothing else touches the connection: release it here.
                ReleaseConnection(keepDecoder: false);
            }
        }

        CancelQuietly(attempt);
        if (disposeHttp)
        {
            _httpClient.Dispose();
        }

        if (raise)
        {
            Closed?.Invoke(this, new SseClosedEventArgs(SseCloseReason.Closed, null));
        }
    }

#if NET
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
#endif
    private async ValueTask<bool> ReadCoreAsync(ValueTask<SseItemKind>? firstRead, CancellationToken cancellationToken)
    {
        try
        {
            _decoder ??= CreateDecoder();
            while (true)
            {
                // A read that ReadAsync started is finished first: the connection cannot go while it is pending on it.
                if (firstRead is null && ConsumeRestartRequest())
                {
                    ReleaseConnection(keepDecoder: true);
                    _pendingDelay = null;

                    // A restart is the caller's new attempt: MaxRetries counts afresh.
                    _retriesWithoutEvent = 0;
                }

                if (_connection is null)
                {
                    ConnectOutcome outcome = await ConnectAsync(cancellationToken).ConfigureAwait(false);
                    if (outcome == ConnectOutcome.Closed)
                    {
                        return false;
                    }

                    continue;
                }

                StepOutcome step = await ReadFromConnectionAsync(firstRead, cancellationToken).ConfigureAwait(false);
                firstRead = null;
                if (step == StepOutcome.Event)
                {
                    _retriesWithoutEvent = 0;
                    return true;
                }

                if (step == StepOutcome.Closed)
                {
                    return false;
                }
            }
        }
        finally
        {
            lock (_gate)
            {
                _reading = false;
                if (_readyState == SseReadyState.Closed)
                {
                    ReleaseConnection(keepDecoder: false);
                }
            }
        }
    }

    private async ValueTask<ConnectOutcome> ConnectAsync(CancellationToken cancellationToken)
    {
        CancellationTokenSource attempt = BeginAttempt();
        using CancellationTokenRegistration registration = cancellationToken.UnsafeRegister(static state => CancelQuietly((CancellationTokenSource)state!), attempt);
        HttpResponseMessage? response = null;
        try
        {
            if (_pendingDelay is { } delay)
            {
                _pendingDelay = null;
                if (delay > TimeSpan.Zero)
                {
                    await Task.Delay(delay, _time, attempt.Token).ConfigureAwait(false);
                }

                // Spec: "If the EventSource object's readyState attribute is not set to CONNECTING, then return."
                if (ReadyState != SseReadyState.Connecting)
                {
                    return ConnectOutcome.Closed;
                }
            }

            ArmReadTimeout(attempt);
            response = await SendFollowingRedirectsAsync(attempt).ConfigureAwait(false);
            DisarmReadTimeout(attempt);
            return await ProcessResponseAsync(response, attempt, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is OperationCanceledException or HttpRequestException or IOException && exception is not SseConnectionException)
        {
            if (_connection is { } connection && connection.Response == response)
            {
                // Opened, then interrupted before the first read (by a handler of Opened): the connection owns the response.
                _connection = null;
                connection.Dispose();
            }
            else
            {
                response?.Dispose();
            }

            // A connection that could not be made sent nothing: safe to retry, whatever the method.
            bool requestUnsent = IsConnectFailure(exception);
            return await HandleInterruptionAsync(exception, attempt, requestUnsent, cancellationToken).ConfigureAwait(false) == StepOutcome.Closed
                ? ConnectOutcome.Closed
                : ConnectOutcome.Retry;
        }
        catch
        {
            response?.Dispose();
            throw;
        }
    }

    /// <summary>Whether <paramref name="exception"/> says that no connection could be made, so no byte of the request was sent.</summary>
    private static bool IsConnectFailure(Exception exception) =>
#if NET
        exception is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError };
#else
        // netstandard2.0 has no HttpRequestError: the handler's inner exception says it (a socket error on .NET Core,
        // a WebException on .NET Framework).
        exception is HttpRequestException
        {
            InnerException: System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused or System.Net.Sockets.SocketError.HostNotFound or System.Net.Sockets.SocketError.NoData or System.Net.Sockets.SocketError.TryAgain or System.Net.Sockets.SocketError.NetworkUnreachable or System.Net.Sockets.SocketError.HostUnreachable }
                or WebException { Status: WebExceptionStatus.ConnectFailure or WebExceptionStatus.NameResolutionFailure or WebExceptionStatus.ProxyNameResolutionFailure },
        };
#endif

    private async ValueTask<ConnectOutcome> ProcessResponseAsync(HttpResponseMessage response, CancellationTokenSource attempt, CancellationToken cancellationToken)
    {
        HttpStatusCode status = response.StatusCode;
        string? contentType = response.Content.Headers.ContentType?.ToString();

        if (status == HttpStatusCode.NoContent)
        {
            // Spec (authoring notes): "a client can be told to stop reconnecting using the HTTP 204 No Content response code."
            response.Dispose();
            Shutdown(SseCloseReason.NoContent, null);
            return ConnectOutcome.Closed;
        }

        if (status != HttpStatusCode.OK)
        {
            string? errorBody = await ReadErrorBodyAsync(response, attempt, cancellationToken).ConfigureAwait(false);
            var failure = new SseConnectionException(
                SseFailureReason.UnexpectedStatusCode,
                status,
                contentType,
                errorBody,
                $"The event stream at {response.RequestMessage?.RequestUri ?? _url} answered {(int)status} {response.ReasonPhrase} (content type {contentType ?? "none"}); expected 200 with text/event-stream.{DescribeBody(errorBody)}");
            if (_options.RetryServerErrors && ((int)status >= 500 || status == TooManyRequests))
            {
                TimeSpan? retryAfter = GetRetryAfter(response);
                response.Dispose();

                // The caller opted into retrying refusals; the server said it did not do the work.
                return ScheduleReconnect(SseFailureReason.UnexpectedStatusCode, failure, retryAfter, requestUnsent: true)
                    ? ConnectOutcome.Retry
                    : ConnectOutcome.Closed;
            }

            response.Dispose();
            throw FailConnection(failure);
        }

        if (!string.Equals(response.Content.Headers.ContentType?.MediaType, "text/event-stream", StringComparison.OrdinalIgnoreCase))
        {
            string? errorBody = await ReadErrorBodyAsync(response, attempt, cancellationToken).ConfigureAwait(false);
            response.Dispose();

            // Spec: "if res's status is not 200, or if res's `Content-Type` is not `text/event-stream`, then fail the connection."
            throw FailConnection(new SseConnectionException(
                SseFailureReason.UnexpectedContentType,
                status,
                contentType,
                errorBody,
                $"The event stream at {response.RequestMessage?.RequestUri ?? _url} answered 200 with content type {contentType ?? "none"}; expected text/event-stream.{DescribeBody(errorBody)}"));
        }

        if (UnreadableEncoding(response) is { } encoding)
        {
            response.Dispose();
            throw FailConnection(new SseConnectionException(
                SseFailureReason.UnsupportedContentEncoding,
                status,
                contentType,
                $"The event stream at {response.RequestMessage?.RequestUri ?? _url} is sent with Content-Encoding: {encoding}, which the HttpClient's handler did not decode; enable its AutomaticDecompression, or have the server send the stream uncompressed."));
        }

        ArmReadTimeout(attempt);
        Stream body = await response.Content.ReadAsStreamAsync(attempt.Token).ConfigureAwait(false);
        DisarmReadTimeout(attempt);
        _connection = new SseConnection(response, body, _decoder!, attempt, _options.ReadTimeout);

        lock (_gate)
        {
            // Spec: "When a user agent is to announce the connection, the user agent must queue a task which, if the
            // readyState attribute is set to a value other than CLOSED, sets the readyState attribute to OPEN and fires
            // an event named open at the EventSource object."
            if (_readyState == SseReadyState.Closed)
            {
                return ConnectOutcome.Closed;
            }

            _readyState = SseReadyState.Open;
        }

        _opened = true;
        _openedTimestamp = _time.GetTimestamp();
        Opened?.Invoke(this, new SseOpenedEventArgs(response));
        return ConnectOutcome.Open;
    }

    /// <summary>
    /// Reads the start of a failed response's body, which is where APIs say why they refused the request. At most
    /// <see cref="SseClientOptions.MaxErrorBodyLength"/> bytes, within the read timeout; a body that cannot be read is
    /// left out (null), so the failure stays the status or content type. Only the caller's cancellation propagates.
    /// </summary>
    private async ValueTask<string?> ReadErrorBodyAsync(HttpResponseMessage response, CancellationTokenSource attempt, CancellationToken cancellationToken)
    {
        int limit = _options.MaxErrorBodyLength;
        if (limit == 0)
        {
            return null;
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent(limit);
        try
        {
            int length = 0;
            try
            {
                // A server may send an error's headers and then stall: the read is bounded even when reads are not.
                attempt.CancelAfter(_options.ReadTimeout != Timeout.InfiniteTimeSpan ? _options.ReadTimeout : ErrorBodyTimeout);
                using Stream body = await response.Content.ReadAsStreamAsync(attempt.Token).ConfigureAwait(false);
                int read;
                while (length < limit && (read = await body.ReadAsync(buffer.AsMemory(length, limit - length), attempt.Token).ConfigureAwait(false)) > 0)
                {
                    length += read;
                }
            }
            catch (Exception exception) when (exception is IOException or HttpRequestException or OperationCanceledException)
            {
                // Keep what arrived before the body broke off or timed out; only the caller's cancellation propagates.
                cancellationToken.ThrowIfCancellationRequested();
                if (length == 0)
                {
                    return null;
                }
            }
            finally
            {
                attempt.CancelAfter(Timeout.InfiniteTimeSpan);
            }

            return BodyEncoding(response).GetString(buffer, 0, length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>How long a failed response's body is read for when <see cref="SseClientOptions.ReadTimeout"/> is infinite.</summary>
    private static readonly TimeSpan ErrorBodyTimeout = TimeSpan.FromSeconds(10);

    private static Encoding BodyEncoding(HttpResponseMessage response)
    {
        string? charset = response.Content.Headers.ContentType?.CharSet?.Trim('"');
        if (!string.IsNullOrEmpty(charset))
        {
            try
            {
                return Encoding.GetEncoding(charset);
            }
            catch (ArgumentException)
            {
                // An unknown charset: UTF-8, as for a body that names none.
            }
        }

        return Encoding.UTF8;
    }

    /// <summary>The body's first line, shortened, for the exception message; the whole read body is in ResponseBody.</summary>
    private static string DescribeBody(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return string.Empty;
        }

        ReadOnlySpan<char> text = body.AsSpan().Trim();
        int lineEnd = text.IndexOfAny('\r', '\n');
        if (lineEnd >= 0)
        {
            text = text.Slice(0, lineEnd);
        }

        const int MaxShown = 200;
        return text.Length > MaxShown ? $" Body: {text.Slice(0, MaxShown)}…" : $" Body: {text}";
    }

#if NET
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
#endif
    private async ValueTask<StepOutcome> ReadFromConnectionAsync(ValueTask<SseItemKind>? firstRead, CancellationToken cancellationToken)
    {
        SseConnection connection = _connection!;
        while (true)
        {
            SseItemKind kind;
            try
            {
                // Comments are parsed out only when someone listens for them. The first read may have been started by ReadAsync.
                ValueTask<SseItemKind> read = firstRead ?? connection.ReadAsync(withComments: CommentReceived is not null);
                firstRead = null;
                if (read.IsCompletedSuccessfully)
                {
                    kind = read.Result;
                }
                else
                {
                    // Waiting on the network: the caller's token ends the wait too. Registered only here, not per event.
                    using CancellationTokenRegistration registration = cancellationToken.UnsafeRegister(static state => CancelQuietly((CancellationTokenSource)state!), connection.Attempt);
                    kind = await read.ConfigureAwait(false);
                }
            }
            catch (SseLimitExceededException limit)
            {
                throw FailConnection(new SseConnectionException(
                    SseFailureReason.LimitExceeded,
                    HttpStatusCode.OK,
                    connection.Response.Content.Headers.ContentType?.ToString(),
                    $"The event stream at {_url} broke a parser limit: {limit.Message}",
                    limit));
            }
            catch (Exception exception) when (exception is OperationCanceledException or IOException or HttpRequestException)
            {
                return await HandleInterruptionAsync(exception, connection.Attempt, requestUnsent: false, cancellationToken).ConfigureAwait(false);
            }

            switch (kind)
            {
                case SseItemKind.Event:
                    return StepOutcome.Event;
                case SseItemKind.Comment:
                    CommentReceived?.Invoke(this, new SseCommentEventArgs(Encoding.UTF8.GetString(connection.CurrentComment)));
                    continue;
            }

            // Spec: "When the end of the response body is reached ... the user agent must ... reestablish the connection."
            return ScheduleReconnect(SseFailureReason.EndOfStream, null, retryAfter: null, requestUnsent: false)
                ? StepOutcome.Retry
                : StepOutcome.Closed;
        }
    }

    /// <summary>Decides what a canceled or broken network operation means: shutdown, close, restart, timeout or network error.</summary>
    private ValueTask<StepOutcome> HandleInterruptionAsync(Exception exception, CancellationTokenSource attempt, bool requestUnsent, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            Shutdown(SseCloseReason.Canceled, null);
            throw new OperationCanceledException("The read was canceled; the client is closed.", exception, cancellationToken);
        }

        bool closed;
        bool restart;
        lock (_gate)
        {
            closed = _closeRequested || _disposed || _readyState == SseReadyState.Closed;
            restart = _restartRequested;
        }

        if (closed)
        {
            return new ValueTask<StepOutcome>(StepOutcome.Closed);
        }

        if (restart)
        {
            // Handled at the top of the read loop: drop and connect again at once.
            return new ValueTask<StepOutcome>(StepOutcome.Retry);
        }

        bool timedOut = exception is OperationCanceledException && attempt.IsCancellationRequested;

        // Spec: "if res is a network error, then reestablish the connection."
        bool retry = ScheduleReconnect(timedOut ? SseFailureReason.ReadTimeout : SseFailureReason.NetworkError, timedOut ? null : exception, retryAfter: null, requestUnsent);
        return new ValueTask<StepOutcome>(retry ? StepOutcome.Retry : StepOutcome.Closed);
    }

    /// <summary>
    /// Spec: "When a user agent is to reestablish the connection ... If the readyState attribute is set to CLOSED, abort
    /// the task. Set the readyState attribute to CONNECTING. Fire an event named error at the EventSource object.
    /// Wait a delay equal to the reconnection time of the event source. Optionally, wait some more. In particular, if
    /// the previous attempt failed, then user agents might introduce an exponential backoff delay."
    /// </summary>
    /// <returns><see langword="true"/> when a reconnection is scheduled; <see langword="false"/> when the client closed instead.</returns>
    /// <exception cref="SseConnectionException">The client gives up: a non-idempotent request may not be sent again, or <see cref="SseClientOptions.MaxRetries"/> ran out.</exception>
    private bool ScheduleReconnect(SseFailureReason reason, Exception? exception, TimeSpan? retryAfter, bool requestUnsent)
    {
        // A drop after a healthy period starts the backoff over.
        if (_opened && _time.GetElapsedTime(_openedTimestamp) >= _options.BackoffResetPeriod)
        {
            _consecutiveFailures = 0;
        }

        if (!requestUnsent && !_options.ResendNonIdempotentRequests && !IsIdempotent(_options.Method))
        {
            // Sending a POST again may repeat what it asked for (a paid call, an order): not without the caller's leave.
            if (reason == SseFailureReason.EndOfStream)
            {
                Shutdown(SseCloseReason.Ended, null);
                return false;
            }

            throw FailConnection(new SseConnectionException(
                reason,
                null,
                null,
                $"The {_options.Method} request to {_url} was interrupted ({reason}: {exception?.Message ?? "no bytes arrived"}) and is not sent again, as it is not idempotent; set SseClientOptions.ResendNonIdempotentRequests to allow it.",
                exception));
        }

        if (_options.MaxRetries is { } maxRetries && _retriesWithoutEvent >= maxRetries)
        {
            throw FailConnection(new SseConnectionException(
                SseFailureReason.RetriesExhausted,
#if NET
                (exception as HttpRequestException)?.StatusCode,
#else
                (exception as SseConnectionException)?.StatusCode,
#endif
                null,
                $"Gave up on the event stream at {_url} after {maxRetries} reconnection(s) in a row without an event (MaxRetries); the last failure: {reason}{(exception is null ? string.Empty : $": {exception.Message}")}",
                exception));
        }

        _retriesWithoutEvent++;
        ReleaseConnection(keepDecoder: true);
        lock (_gate)
        {
            if (_readyState == SseReadyState.Closed)
            {
                return true;
            }

            _readyState = SseReadyState.Connecting;
        }

        Error?.Invoke(this, new SseErrorEventArgs(reason, exception, willReconnect: true));

        _consecutiveFailures = _consecutiveFailures == int.MaxValue ? int.MaxValue : _consecutiveFailures + 1;
        TimeSpan delay = ReconnectDelayPolicy.From(_options).Compute(
            _decoder!.ReconnectionTime ?? _savedReconnectionTime ?? _options.DefaultReconnectionTime,
            _consecutiveFailures,
            retryAfter,
            _options.UseJitter ? Random.Shared : null);

        _pendingDelay = delay;
        ReconnectScheduled?.Invoke(this, new SseReconnectEventArgs(delay, _consecutiveFailures, _decoder.LastEventId));
        return true;
    }

    /// <summary>RFC 9110 §9.2.2: GET, HEAD, OPTIONS, TRACE, PUT and DELETE may be sent again; any other method may not.</summary>
    private static bool IsIdempotent(HttpMethod method) =>
        method == HttpMethod.Get || method == HttpMethod.Head || method == HttpMethod.Options
        || method == HttpMethod.Trace || method == HttpMethod.Put || method == HttpMethod.Delete;

    /// <summary>The response's content coding if the handler left it undecoded, as the parser cannot read it; otherwise null.</summary>
    private static string? UnreadableEncoding(HttpResponseMessage response)
    {
        foreach (string coding in response.Content.Headers.ContentEncoding)
        {
            if (!coding.Equals("identity", StringComparison.OrdinalIgnoreCase))
            {
                return string.Join(", ", response.Content.Headers.ContentEncoding);
            }
        }

        return null;
    }

    /// <summary>
    /// Spec: "When a user agent is to fail the connection, the user agent must queue a task which, if the readyState
    /// attribute is set to a value other than CLOSED, sets the readyState attribute to CLOSED and fires an event named
    /// error at the EventSource object. Once the user agent has failed the connection, it does not attempt to reconnect."
    /// </summary>
    private SseConnectionException FailConnection(SseConnectionException failure)
    {
        bool raise;
        lock (_gate)
        {
            raise = _readyState != SseReadyState.Closed;
            _readyState = SseReadyState.Closed;
        }

        ReleaseConnection(keepDecoder: false);
        if (raise)
        {
            Error?.Invoke(this, new SseErrorEventArgs(failure.Reason, failure, willReconnect: false));
            Closed?.Invoke(this, new SseClosedEventArgs(SseCloseReason.Failed, failure));
        }

        return failure;
    }

    private void Shutdown(SseCloseReason reason, Exception? exception)
    {
        bool raise;
        lock (_gate)
        {
            raise = _readyState != SseReadyState.Closed;
            _readyState = SseReadyState.Closed;
        }

        ReleaseConnection(keepDecoder: false);
        if (raise)
        {
            Closed?.Invoke(this, new SseClosedEventArgs(reason, exception));
        }
    }

    private bool ConsumeRestartRequest()
    {
        lock (_gate)
        {
            if (!_restartRequested)
            {
                return false;
            }

            _restartRequested = false;
            return true;
        }
    }

    private CancellationTokenSource BeginAttempt()
    {
#if NET
        var attempt = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _time);
#else
        CancellationTokenSource attempt = _time.CreateCancellationTokenSource(Timeout.InfiniteTimeSpan);
#endif
        CancellationTokenSource? previous;
        bool closed;
        lock (_gate)
        {
            previous = _attemptCts;
            _attemptCts = attempt;
            closed = _closeRequested;
        }

        previous?.Dispose();
        if (closed)
        {
            attempt.Cancel();
        }

        return attempt;
    }

    private void ArmReadTimeout(CancellationTokenSource attempt)
    {
        if (_options.ReadTimeout != Timeout.InfiniteTimeSpan)
        {
            attempt.CancelAfter(_options.ReadTimeout);
        }
    }

    private void DisarmReadTimeout(CancellationTokenSource attempt)
    {
        if (_options.ReadTimeout != Timeout.InfiniteTimeSpan)
        {
            attempt.CancelAfter(Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>
    /// Sends the request and follows redirects the handler left to it, so that the caller's headers stay with the
    /// stream's own origin: after a redirect to another origin, the rest of the chain goes without them.
    /// </summary>
    private async Task<HttpResponseMessage> SendFollowingRedirectsAsync(CancellationTokenSource attempt)
    {
        Uri url = _url;
        HttpMethod method = _options.Method;
        bool withBody = true;
        bool withCallerHeaders = true;
        Uri? origin = null;
        for (int redirects = 0; ; redirects++)
        {
            HttpResponseMessage response;
            using (HttpRequestMessage request = CreateRequest(url, method, withBody, withCallerHeaders))
            {
                response = await _httpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attempt.Token).ConfigureAwait(false);
            }

            HttpStatusCode status = response.StatusCode;
            if (status is not (HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or PermanentRedirect)
                || response.Headers.Location is not { } location)
            {
                return response;
            }

            // The request's URI is absolute once sent, even when _url is relative to the HttpClient's base address.
            Uri from = response.RequestMessage?.RequestUri ?? url;
            origin ??= from;
            string? refusal = null;
            if (!Uri.TryCreate(from, location, out Uri? target) || (target.Scheme != Uri.UriSchemeHttp && target.Scheme != Uri.UriSchemeHttps))
            {
                refusal = $"to {location}, which is not an http or https URL";
            }
            else if (from.Scheme == Uri.UriSchemeHttps && target.Scheme == Uri.UriSchemeHttp)
            {
                refusal = $"from https to http ({target}), which would send the request in clear text";
            }
            else if (redirects >= _options.MaxRedirects)
            {
                refusal = $"to {target}: more than {_options.MaxRedirects} redirects (MaxRedirects)";
            }

            string? contentType = response.Content.Headers.ContentType?.ToString();
            response.Dispose();
            if (refusal is not null)
            {
                throw FailConnection(new SseConnectionException(
                    SseFailureReason.RedirectRefused,
                    status,
                    contentType,
                    $"The event stream at {from} redirected ({(int)status}) {refusal}; the redirect is not followed."));
            }

            if (!IsSameOrigin(origin, target!))
            {
                withCallerHeaders = false;
            }

            // Fetch: 303 (but for HEAD), and 301 or 302 after a POST, go on as a GET without body; 307 and 308 keep both.
            if ((status == HttpStatusCode.SeeOther && method != HttpMethod.Head)
                || (status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found && method == HttpMethod.Post))
            {
                method = HttpMethod.Get;
                withBody = false;
            }

            url = target!;
        }
    }

#if !NET
    /// <summary>
    /// The value to give HttpClientHandler for a header that must go out as UTF-8: each UTF-8 byte as the char of the
    /// same number, which .NET Framework's handler writes as that byte. An ASCII value is returned as it is.
    /// </summary>
    private static string AsHeaderBytes(string value)
    {
        foreach (char c in value)
        {
            if (c > 0x7F)
            {
                byte[] utf8 = Encoding.UTF8.GetBytes(value);
                char[] chars = new char[utf8.Length];
                for (int i = 0; i < utf8.Length; i++)
                {
                    chars[i] = (char)utf8[i];
                }

                return new string(chars);
            }
        }

        return value;
    }
#endif

    private static bool IsSameOrigin(Uri a, Uri b) =>
        string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase)
        && a.Port == b.Port;

    /// <summary>Makes one request; <paramref name="withCallerHeaders"/> false leaves out Headers and ConfigureRequest, for another origin.</summary>
    private HttpRequestMessage CreateRequest(Uri url, HttpMethod method, bool withBody, bool withCallerHeaders)
    {
#if NET
        var request = new HttpRequestMessage(method, url)
        {
            Version = _httpClient.DefaultRequestVersion,
            VersionPolicy = _httpClient.DefaultVersionPolicy,
        };
#else
        // netstandard2.0's HttpClient has no DefaultRequestVersion or DefaultVersionPolicy to copy: the request keeps
        // its default version, which ConfigureRequest may change.
        var request = new HttpRequestMessage(method, url);
#endif
        request.Headers.Accept.Add(EventStreamAccept);
        request.Headers.CacheControl = NoCache;

        // Spec: "If the EventSource object's last event ID string is not the empty string, then: Let lastEventIDValue
        // be the EventSource object's last event ID string, encoded as UTF-8. Set (`Last-Event-ID`, lastEventIDValue)
        // in request's header list."
        string lastEventId = _decoder!.LastEventId;
        if (lastEventId.Length != 0)
        {
#if NET
            request.Headers.TryAddWithoutValidation(LastEventIdHeader, lastEventId);
#else
            request.Headers.TryAddWithoutValidation(LastEventIdHeader, AsHeaderBytes(lastEventId));
#endif
        }

        request.Content = withBody ? _options.ContentFactory?.Invoke() : null;
        if (!withCallerHeaders)
        {
            return request;
        }

        foreach (KeyValuePair<string, string> header in _options.Headers)
        {
            if (IsContentHeader(header.Key))
            {
                if (request.Content is { } content)
                {
                    content.Headers.Remove(header.Key);
                    content.Headers.TryAddWithoutValidation(header.Key, header.Value);
                }
            }
            else
            {
                request.Headers.Remove(header.Key);
                request.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        _options.ConfigureRequest?.Invoke(request);
        return request;
    }

    private static bool IsContentHeader(string name) =>
        name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Expires", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Last-Modified", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Allow", StringComparison.OrdinalIgnoreCase);

    private TimeSpan? GetRetryAfter(HttpResponseMessage response)
    {
        RetryConditionHeaderValue? retryAfter = response.Headers.RetryAfter;
        if (retryAfter?.Delta is { } delta)
        {
            return delta;
        }

        if (retryAfter?.Date is { } date)
        {
            TimeSpan wait = date - _time.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }

    private SseDecoder CreateDecoder()
    {
        var decoder = new SseDecoder(_options.ParserOptions ?? ClientParserOptions);
        byte[] lastEventId;
        lock (_gate)
        {
            lastEventId = _savedLastEventId;
        }

        if (lastEventId.Length != 0)
        {
            decoder.SetLastEventId(lastEventId);
        }

        return decoder;
    }

    /// <summary>
    /// Aborts the response and returns the reader's buffers. With <paramref name="keepDecoder"/> the decoder is reset for the
    /// next connection, keeping the last event ID and reconnection time; without it, they are saved and the decoder's
    /// pooled buffers are returned. Called by the reading flow, or under the gate while no read is in progress.
    /// </summary>
    private void ReleaseConnection(bool keepDecoder)
    {
        if (_connection is { } connection)
        {
            _connection = null;
            connection.Dispose();
        }

        _opened = false;

        if (_decoder is { } decoder)
        {
            // Spec: "If the file ends in the middle of an event, before the final empty line, the incomplete event is
            // not dispatched." The decoder discards it and never commits its id.
            decoder.Reset();
            lock (_gate)
            {
                _savedLastEventId = decoder.LastEventIdUtf8.ToArray();
                _savedReconnectionTime = decoder.ReconnectionTime ?? _savedReconnectionTime;
            }

            if (!keepDecoder)
            {
                _decoder = null;
                decoder.Dispose();
            }
        }

        if (!keepDecoder)
        {
            CancellationTokenSource? attempt;
            lock (_gate)
            {
                attempt = _attemptCts;
                _attemptCts = null;
            }

            attempt?.Dispose();
        }
    }

    private static void CancelQuietly(CancellationTokenSource? source)
    {
        try
        {
            source?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The attempt already ended.
        }
    }

#if NET
    private static HttpClient CreateHttpClient() =>
        new(new SocketsHttpHandler
        {
            // Spec: the last event ID string is "encoded as UTF-8" in the Last-Event-ID header.
            RequestHeaderEncodingSelector = static (name, _) =>
                string.Equals(name, LastEventIdHeader, StringComparison.OrdinalIgnoreCase) ? Encoding.UTF8 : null,

            // The client follows redirects itself, so the caller's headers stay with the stream's origin.
            AllowAutoRedirect = false,

            // No cookie jar: it would hand one server's cookies to another port of the same host. A Cookie header in
            // Headers is the caller's own, and stays with the stream's origin like the others.
            UseCookies = false,

            // A server that compresses the stream (flushing its compressor per event) is readable; the decoded bytes
            // are still bounded by the parser's limits.
            AutomaticDecompression = DecompressionMethods.All,
        })
        {
            // The read timeout, if any, bounds the wait for headers; HttpClient's own 100 s default would cut long LLM calls.
            Timeout = Timeout.InfiniteTimeSpan,
        };
#else
    // netstandard2.0 has no SocketsHttpHandler: HttpClientHandler with the same choices where it has them. It has no
    // header encoding selector (see AsHeaderBytes) and no brotli.
    private static HttpClient CreateHttpClient() =>
        new(new HttpClientHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
#endif

    private enum ConnectOutcome
    {
        Open,
        Retry,
        Closed,
    }

    private enum StepOutcome
    {
        Event,
        Retry,
        Closed,
    }
}

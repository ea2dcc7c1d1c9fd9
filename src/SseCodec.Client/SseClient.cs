using System.Runtime.CompilerServices;

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
/// <para>
/// The client coordinates parts with one job each: <see cref="SseConnector"/> makes a connection (requests,
/// redirects, response checks), <see cref="SseConnection"/> reads one through <see cref="SseReader"/>,
/// <see cref="ReconnectPolicy"/> decides whether and when to reconnect, <see cref="SseClientState"/> is the state
/// machine shared with <see cref="Close"/> and <see cref="Restart"/>, and <see cref="SseClientNotifier"/> raises the
/// notifications. The options are read into them once, when the client is made.
/// </para>
/// </remarks>
public sealed partial class SseClient : IAsyncEnumerable<SseEvent>, IDisposable, IAsyncDisposable
{
    // Without ParserOptions: room for the multi-megabyte single-line events of LLM and log streams, still a hard cap.
    private static readonly SseParserOptions ClientParserOptions = new()
    {
        MaxLineLength = SseClientOptions.DefaultMaxMessageSize,
        MaxEventSize = SseClientOptions.DefaultMaxMessageSize,
    };

    private readonly HttpClient _httpClient;
    private readonly bool _disposeHttpClient;
    private readonly Uri _url;
    private readonly TimeProvider _time;
    private readonly TimeSpan _readTimeout;
    private readonly TimeSpan _initialReconnectionTime;
    private readonly SseConnector _connector;
    private readonly ReconnectPolicy _reconnect;
    private readonly SseClientState _state;
    private readonly SseSession _session;
    private readonly SseClientNotifier _notifier;

    /// <summary>Creates a client that makes its own <see cref="HttpClient"/>, disposed with the client.</summary>
    /// <param name="url">The absolute URL of the event stream.</param>
    /// <param name="options">Request and reconnection settings, copied now; the defaults when <see langword="null"/>.</param>
    /// <remarks>
    /// Its handler sends a non-ASCII <c>Last-Event-ID</c> as UTF-8, as the spec asks. In the netstandard2.0 build the
    /// handler is <see cref="HttpClientHandler"/> (netstandard2.0 has no <c>SocketsHttpHandler</c>): it decodes gzip
    /// and deflate but not brotli, and a non-ASCII ID is handed to it as its UTF-8 bytes, one char per byte, which
    /// .NET Framework's handler writes unchanged and .NET Core's refuses (the request fails as a connection error).
    /// </remarks>
    /// <exception cref="ArgumentException">A setting in <paramref name="options"/> cannot be used.</exception>
    public SseClient(Uri url, SseClientOptions? options = null)
        : this(SseRequestFactory.CreateHttpClient(), url, options, disposeHttpClient: true)
    {
    }

    /// <summary>Creates a client over an <see cref="HttpClient"/> the caller owns (from <c>IHttpClientFactory</c>, say).</summary>
    /// <param name="httpClient">The client to send requests with. Its handler decides on redirects, HTTP versions and proxies; its <c>DefaultRequestVersion</c> and <c>DefaultVersionPolicy</c> apply (not in the netstandard2.0 build, which cannot read them: requests there have <see cref="HttpRequestMessage"/>'s default version unless <see cref="SseClientOptions.ConfigureRequest"/> sets one).</param>
    /// <param name="url">The URL of the event stream; relative to <see cref="HttpClient.BaseAddress"/> if not absolute.</param>
    /// <param name="options">Request and reconnection settings, copied now; the defaults when <see langword="null"/>.</param>
    /// <param name="disposeHttpClient"><see langword="true"/> to dispose <paramref name="httpClient"/> with this client.</param>
    /// <exception cref="ArgumentException">A setting in <paramref name="options"/> cannot be used.</exception>
    public SseClient(HttpClient httpClient, Uri url, SseClientOptions? options = null, bool disposeHttpClient = false)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(url);
        options ??= new SseClientOptions();
        byte[] lastEventId = options.Validate(nameof(options));
        _httpClient = httpClient;
        _disposeHttpClient = disposeHttpClient;
        _url = url;
        _time = options.TimeProvider ?? TimeProvider.System;
        _readTimeout = options.ReadTimeout;
        _initialReconnectionTime = options.ReconnectionTime;
        _connector = new SseConnector(httpClient, url, options, _time);
        _reconnect = new ReconnectPolicy(options, _time);
        _notifier = new SseClientNotifier(this);
        _state = new SseClientState(lastEventId, () => _session!.Release(keepDecoder: false), () => _session!.Abort());
        _session = new SseSession(options.CopyParserOptions() ?? ClientParserOptions, _state, _reconnect);
    }

    /// <summary>Raised when a connection opens: a 200 response with a <c>text/event-stream</c> body.</summary>
    public event EventHandler<SseOpenedEventArgs>? Opened
    {
        add => _notifier.Opened += value;
        remove => _notifier.Opened -= value;
    }

    /// <summary>
    /// Raised when a connection ends or cannot be opened, as <c>EventSource</c> fires <c>error</c>: before every
    /// reconnection (<see cref="SseErrorEventArgs.WillReconnect"/>), and when the connection fails for good.
    /// </summary>
    public event EventHandler<SseErrorEventArgs>? Error
    {
        add => _notifier.Error += value;
        remove => _notifier.Error -= value;
    }

    /// <summary>Raised when the client has decided to reconnect, with the delay it will wait first.</summary>
    public event EventHandler<SseReconnectEventArgs>? ReconnectScheduled
    {
        add => _notifier.ReconnectScheduled += value;
        remove => _notifier.ReconnectScheduled -= value;
    }

    /// <summary>Raised once each time the client reaches <see cref="SseReadyState.Closed"/>.</summary>
    public event EventHandler<SseClosedEventArgs>? Closed
    {
        add => _notifier.Closed += value;
        remove => _notifier.Closed -= value;
    }

    /// <summary>Raised for each comment line (heartbeats are usually comments). The comment is copied into a string only when a handler is attached.</summary>
    public event EventHandler<SseCommentEventArgs>? CommentReceived
    {
        add => _notifier.CommentReceived += value;
        remove => _notifier.CommentReceived -= value;
    }

    /// <summary>The state of the connection. Safe to read from any thread.</summary>
    public SseReadyState ReadyState => _state.ReadyState;

    /// <summary>The URL of the event stream.</summary>
    public Uri Url => _url;

    /// <summary>
    /// The last event ID as of the last connection's end: what the next request sends as <c>Last-Event-ID</c> once the
    /// current connection is over. During a connection, read each event's <see cref="SseEvent.LastEventId"/>.
    /// </summary>
    public string LastEventId => _state.LastEventId;

    /// <summary>The reconnection time: the server's last valid <c>retry</c>, or <see cref="SseClientOptions.ReconnectionTime"/>.</summary>
    public TimeSpan ReconnectionTime => _state.ReconnectionTime ?? _initialReconnectionTime;

    /// <summary>The event the last successful <see cref="ReadAsync"/> moved to, valid until the next read.</summary>
    /// <exception cref="InvalidOperationException">The last read did not produce an event.</exception>
    public SseEvent Current => _session.Connection is { } connection ? connection.Current : throw new InvalidOperationException("The last read did not produce an event.");

    /// <summary>
    /// Moves to the next event, connecting and reconnecting as needed. The event is then in <see cref="Current"/>
    /// until the next read.
    /// </summary>
    /// <param name="cancellationToken">Cancelling it shuts the client down: the connection is aborted and the client is <see cref="SseReadyState.Closed"/>.</param>
    /// <returns><see langword="true"/> with an event in <see cref="Current"/>; <see langword="false"/> when the client is closed: by a 204 response, by the end of a non-idempotent request's body, by <see cref="Close"/>, or earlier.</returns>
    /// <exception cref="SseConnectionException">The connection failed: a status other than 200 and 204, another content type or content coding, a parser limit, a refused redirect, <see cref="SseClientOptions.MaxRetries"/> ran out, a non-idempotent request broke off, or a non-ASCII last event ID was refused. The client is closed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled. The client is closed.</exception>
    /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
    /// <exception cref="InvalidOperationException">Another read is in progress.</exception>
    public ValueTask<bool> ReadAsync(CancellationToken cancellationToken = default)
    {
        if (!_state.TryBeginRead(this, out bool restartPending))
        {
            return new ValueTask<bool>(false);
        }

        if (restartPending || _session.Connection is not { } connection)
        {
            return ReadCoreAsync(firstRead: null, cancellationToken);
        }

        // The next event is usually in the reader's buffer already: take it without a state machine or a second lock.
        ValueTask<SseItemKind> read;
        try
        {
            read = connection.ReadAsync(withComments: _notifier.HasCommentListeners);
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
                _reconnect.OnEvent();
                return new ValueTask<bool>(_state.EndFastRead());
            }

            read = new ValueTask<SseItemKind>(kind);
        }

        return ReadCoreAsync(read, cancellationToken);
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
            // The loop is over, so no event is in use: the buffers go back now.
            CloseCore(disposing: false, release: true);
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
    /// <remarks>
    /// The event in <see cref="Current"/>, if any, stays readable: the parser's pooled buffers are returned by the next
    /// read (which returns <see langword="false"/>), by leaving an <c>await foreach</c>, or by <see cref="Dispose"/>.
    /// </remarks>
    public void Close() => CloseCore(disposing: false, release: false);

    /// <summary>
    /// Drops the current connection, if any, and connects again at once, with no reconnection delay and with the last
    /// event ID. A closed client is reopened: the next read connects.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
    public void Restart() => _state.Restart(this);

    /// <summary>Closes the client, aborts the response, returns pooled buffers and, if owned, disposes the <see cref="HttpClient"/>.</summary>
    public void Dispose() => CloseCore(disposing: true, release: true);

    /// <summary>Closes the client, aborts the response, returns pooled buffers and, if owned, disposes the <see cref="HttpClient"/>.</summary>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private void CloseCore(bool disposing, bool release)
    {
        bool announce = _state.Close(disposing, release, out bool firstDispose);
        if (firstDispose && _disposeHttpClient)
        {
            _httpClient.Dispose();
        }

        if (announce)
        {
            _notifier.RaiseClosed(SseCloseReason.Closed, null);
        }
    }
}

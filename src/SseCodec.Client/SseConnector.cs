using System.Net;

namespace SseCodec.Client;

/// <summary>
/// Makes one connection: sends the request, follows the redirects the handler left to it (<see cref="RedirectPolicy"/>),
/// checks the response (<see cref="SseResponseValidator"/>) and opens an <see cref="SseConnection"/> on an event
/// stream's body. It keeps no state between connections: the client decides what an outcome means.
/// </summary>
internal sealed class SseConnector
{
    private readonly HttpClient _httpClient;
    private readonly Uri _url;
    private readonly SseRequestFactory _requests;
    private readonly RedirectPolicy _redirects;
    private readonly SseResponseValidator _validator;

    /// <param name="httpClient">The client to send requests with.</param>
    /// <param name="url">The stream's URL, where every connection starts.</param>
    /// <param name="options">The client's options, read here once.</param>
    /// <param name="time">The client's clock.</param>
    public SseConnector(HttpClient httpClient, Uri url, SseClientOptions options, TimeProvider time)
    {
        _httpClient = httpClient;
        _url = url;
        _requests = new SseRequestFactory(httpClient, options);
        _redirects = new RedirectPolicy(options.MaxRedirects);
        _validator = new SseResponseValidator(url, options, time);
    }

    /// <summary>The method of the first request of every connection.</summary>
    public HttpMethod Method => _requests.Method;

    /// <summary>Connects, reading into <paramref name="decoder"/> once the stream opens.</summary>
    /// <param name="decoder">The client's decoder, fresh or reset; its last event ID goes with the request.</param>
    /// <param name="attempt">The attempt: its cancellation, and its read timeout, which bounds the wait for headers.</param>
    /// <param name="cancellationToken">The caller's token, which alone may interrupt the read of a failed response's body.</param>
    /// <exception cref="SseConnectionException">The connection fails: a refused redirect, a status, content type or coding the client cannot read.</exception>
    public async ValueTask<ConnectResult> ConnectAsync(SseDecoder decoder, ConnectionAttempt attempt, CancellationToken cancellationToken)
    {
        attempt.ArmReadTimeout();
        HttpResponseMessage response = await SendFollowingRedirectsAsync(decoder.LastEventId, attempt).ConfigureAwait(false);
        attempt.DisarmReadTimeout();
        try
        {
            if (await _validator.CheckAsync(response, attempt, cancellationToken).ConfigureAwait(false) is { } refused)
            {
                response.Dispose();
                return refused;
            }

            attempt.ArmReadTimeout();
            Stream body = await response.Content.ReadAsStreamAsync(attempt.Token).ConfigureAwait(false);
            attempt.DisarmReadTimeout();
            return ConnectResult.Opened(new SseConnection(response, body, decoder, attempt));
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>Whether <paramref name="exception"/> says that no connection could be made, so no byte of the request was sent.</summary>
    public static bool SentNothing(Exception exception) =>
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

    /// <summary>
    /// Sends the request and follows redirects the handler left to it, so that the caller's headers stay with the
    /// stream's own origin: after a redirect to another origin, the rest of the chain goes without them.
    /// </summary>
    private async Task<HttpResponseMessage> SendFollowingRedirectsAsync(string lastEventId, ConnectionAttempt attempt)
    {
        Uri url = _url;
        HttpMethod method = _requests.Method;
        bool withBody = true;
        bool withCallerHeaders = true;
        Uri? origin = null;
        for (int redirects = 0; ; redirects++)
        {
            HttpResponseMessage response;
            using (HttpRequestMessage request = _requests.Create(url, method, withBody, withCallerHeaders, lastEventId))
            {
                response = await _httpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attempt.Token).ConfigureAwait(false);
            }

            HttpStatusCode status = response.StatusCode;
            if (!RedirectPolicy.IsRedirect(status) || response.Headers.Location is not { } location)
            {
                return response;
            }

            // The request's URI is absolute once sent, even when the stream's URL is relative to the HttpClient's base address.
            Uri from = response.RequestMessage?.RequestUri ?? url;
            origin ??= from;
            string? refusal = _redirects.FindRefusal(from, location, redirects, out Uri target);
            string? contentType = response.Content.Headers.ContentType?.ToString();
            response.Dispose();
            if (refusal is not null)
            {
                throw new SseConnectionException(
                    SseFailureReason.RedirectRefused,
                    status,
                    contentType,
                    $"The event stream at {from} redirected ({(int)status}) {refusal}; the redirect is not followed.");
            }

            withCallerHeaders &= RedirectPolicy.IsSameOrigin(origin, target);
            if (RedirectPolicy.ContinuesAsGet(status, method))
            {
                method = HttpMethod.Get;
                withBody = false;
            }

            url = target;
        }
    }
}

/// <summary>What a connection attempt came to, short of a failure (thrown) or an interruption (cancelled, or a network error).</summary>
internal readonly struct ConnectResult
{
    private ConnectResult(ConnectOutcome outcome, SseConnection? connection, SseConnectionException? failure, TimeSpan? retryAfter)
    {
        Outcome = outcome;
        Connection = connection;
        Failure = failure;
        RetryAfter = retryAfter;
    }

    /// <summary>A 204: the stream is over for good.</summary>
    public static ConnectResult NoContent => new(ConnectOutcome.NoContent, null, null, null);

    public ConnectOutcome Outcome { get; }

    /// <summary>The open connection, for <see cref="ConnectOutcome.Opened"/>.</summary>
    public SseConnection? Connection { get; }

    /// <summary>What the server refused with, for <see cref="ConnectOutcome.ServerError"/>.</summary>
    public SseConnectionException? Failure { get; }

    /// <summary>The server's <c>Retry-After</c>, if any, for <see cref="ConnectOutcome.ServerError"/>.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>The stream is open.</summary>
    public static ConnectResult Opened(SseConnection connection) => new(ConnectOutcome.Opened, connection, null, null);

    /// <summary>A 5xx or 429 the caller chose to retry.</summary>
    public static ConnectResult ServerError(SseConnectionException failure, TimeSpan? retryAfter) => new(ConnectOutcome.ServerError, null, failure, retryAfter);
}

/// <summary>See <see cref="ConnectResult"/>.</summary>
internal enum ConnectOutcome
{
    Opened,
    NoContent,
    ServerError,
}

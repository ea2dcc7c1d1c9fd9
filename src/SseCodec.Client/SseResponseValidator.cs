using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace SseCodec.Client;

/// <summary>
/// Decides what a response (after redirects) means: an event stream to open, a 204 that ends the stream for good, a
/// server error to retry (when the caller opted in), or a failure, with the start of the body that says why.
/// </summary>
internal sealed class SseResponseValidator
{
    /// <summary>How long a failed response's body is read for when <see cref="SseClientOptions.ReadTimeout"/> is infinite.</summary>
    private static readonly TimeSpan ErrorBodyTimeout = TimeSpan.FromSeconds(10);

    // netstandard2.0's HttpStatusCode has no name for 429.
    private const HttpStatusCode TooManyRequests = (HttpStatusCode)429;

    private readonly Uri _url;
    private readonly TimeProvider _time;
    private readonly int _maxErrorBodyLength;
    private readonly bool _retryServerErrors;

    /// <param name="url">The stream's URL, for messages when the response does not name its request.</param>
    /// <param name="options">The client's options, read here once.</param>
    /// <param name="time">The clock a <c>Retry-After</c> date is measured from.</param>
    public SseResponseValidator(Uri url, SseClientOptions options, TimeProvider time)
    {
        _url = url;
        _time = time;
        _maxErrorBodyLength = options.MaxErrorBodyLength;
        _retryServerErrors = options.RetryServerErrors;
    }

    /// <summary>Checks a response; the caller disposes it unless it opens the stream.</summary>
    /// <returns><see langword="null"/> for an event stream to open; otherwise what to do instead.</returns>
    /// <exception cref="SseConnectionException">The response fails the connection.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while the body was read.</exception>
    public async ValueTask<ConnectResult?> CheckAsync(HttpResponseMessage response, ConnectionAttempt attempt, CancellationToken cancellationToken)
    {
        HttpStatusCode status = response.StatusCode;
        string? contentType = response.Content.Headers.ContentType?.ToString();
        Uri url = response.RequestMessage?.RequestUri ?? _url;

        if (status == HttpStatusCode.NoContent)
        {
            // Spec (authoring notes): "a client can be told to stop reconnecting using the HTTP 204 No Content response code."
            return ConnectResult.NoContent;
        }

        if (status != HttpStatusCode.OK)
        {
            string? errorBody = await ReadErrorBodyAsync(response, attempt, cancellationToken).ConfigureAwait(false);
            var failure = new SseConnectionException(
                SseFailureReason.UnexpectedStatusCode,
                status,
                contentType,
                errorBody,
                $"The event stream at {url} answered {(int)status} {response.ReasonPhrase} (content type {contentType ?? "none"}); expected 200 with text/event-stream.{DescribeBody(errorBody)}");

            // The caller opted into retrying refusals; the server said it did not do the work.
            return _retryServerErrors && ((int)status >= 500 || status == TooManyRequests)
                ? ConnectResult.ServerError(failure, GetRetryAfter(response))
                : throw failure;
        }

        if (!string.Equals(response.Content.Headers.ContentType?.MediaType, "text/event-stream", StringComparison.OrdinalIgnoreCase))
        {
            // Spec: "if res's status is not 200, or if res's `Content-Type` is not `text/event-stream`, then fail the connection."
            string? errorBody = await ReadErrorBodyAsync(response, attempt, cancellationToken).ConfigureAwait(false);
            throw new SseConnectionException(
                SseFailureReason.UnexpectedContentType,
                status,
                contentType,
                errorBody,
                $"The event stream at {url} answered 200 with content type {contentType ?? "none"}; expected text/event-stream.{DescribeBody(errorBody)}");
        }

        if (UnreadableEncoding(response) is { } encoding)
        {
            throw new SseConnectionException(
                SseFailureReason.UnsupportedContentEncoding,
                status,
                contentType,
                $"The event stream at {url} is sent with Content-Encoding: {encoding}, which the HttpClient's handler did not decode; enable its AutomaticDecompression, or have the server send the stream uncompressed.");
        }

        return null;
    }

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

    /// <summary>
    /// Reads the start of a failed response's body, which is where APIs say why they refused the request. At most
    /// <see cref="SseClientOptions.MaxErrorBodyLength"/> bytes, within the read timeout; a body that cannot be read is
    /// left out (null), so the failure stays the status or content type. Only the caller's cancellation propagates.
    /// </summary>
    private async ValueTask<string?> ReadErrorBodyAsync(HttpResponseMessage response, ConnectionAttempt attempt, CancellationToken cancellationToken)
    {
        int limit = _maxErrorBodyLength;
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
                attempt.ArmReadTimeoutOr(ErrorBodyTimeout);
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
                attempt.DisarmTimeout();
            }

            return BodyEncoding(response).GetString(buffer, 0, length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

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
}

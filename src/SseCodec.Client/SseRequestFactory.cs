using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace SseCodec.Client;

/// <summary>
/// Makes each request of a connection: its method and body, <c>Accept</c>, <c>Cache-Control</c>, <c>Last-Event-ID</c>
/// in the chosen encoding, and, for the stream's own origin only, the caller's headers and <c>ConfigureRequest</c>.
/// It also makes the client's own <see cref="HttpClient"/>, whose handler must agree with that encoding.
/// </summary>
/// <remarks>
/// What the request and the handler need of a particular .NET (the HTTP version policy, <c>SocketsHttpHandler</c>)
/// is here and nowhere else in the client. The settings are copied from the options when the client is made.
/// </remarks>
internal sealed class SseRequestFactory
{
    /// <summary>The request header that carries the last event ID.</summary>
    public const string LastEventIdHeader = "Last-Event-ID";

    private static readonly MediaTypeWithQualityHeaderValue EventStreamAccept = new("text/event-stream");
    private static readonly CacheControlHeaderValue NoCache = new() { NoCache = true };

    private readonly HttpClient _httpClient;
    private readonly Func<HttpContent>? _contentFactory;
    private readonly KeyValuePair<string, string>[] _headers;
    private readonly Action<HttpRequestMessage>? _configureRequest;
    private readonly SseLastEventIdEncoding _lastEventIdEncoding;

    /// <param name="httpClient">The client the requests are sent with: its default version and version policy apply.</param>
    /// <param name="options">The client's options, read here once; <see cref="SseClientOptions.Headers"/> is copied.</param>
    public SseRequestFactory(HttpClient httpClient, SseClientOptions options)
    {
        _httpClient = httpClient;
        Method = options.Method;
        _contentFactory = options.ContentFactory;
        _headers = [.. options.Headers];
        _configureRequest = options.ConfigureRequest;
        _lastEventIdEncoding = options.LastEventIdEncoding;
    }

    /// <summary>The method of the first request of every connection.</summary>
    public HttpMethod Method { get; }

    /// <summary>Makes one request.</summary>
    /// <param name="url">Where it goes.</param>
    /// <param name="method">Its method: <see cref="Method"/>, or GET after some redirects.</param>
    /// <param name="withBody">Whether it carries a body from <see cref="SseClientOptions.ContentFactory"/>.</param>
    /// <param name="withCallerHeaders"><see langword="false"/> leaves out the caller's headers and <c>ConfigureRequest</c>, for another origin.</param>
    /// <param name="lastEventId">The last event ID to send; empty for none.</param>
    /// <exception cref="SseConnectionException">The ID is not ASCII and <see cref="SseLastEventIdEncoding.AsciiOnly"/> is chosen.</exception>
    public HttpRequestMessage Create(Uri url, HttpMethod method, bool withBody, bool withCallerHeaders, string lastEventId)
    {
        // Spec: "If the EventSource object's last event ID string is not the empty string, then: Let lastEventIDValue
        // be the EventSource object's last event ID string, encoded as UTF-8. Set (`Last-Event-ID`, lastEventIDValue)
        // in request's header list."
        string? lastEventIdValue = lastEventId.Length == 0 ? null : EncodeLastEventId(lastEventId, _lastEventIdEncoding)
            ?? throw new SseConnectionException(
                SseFailureReason.NonAsciiLastEventId,
                null,
                null,
                $"The last event ID '{lastEventId}' is not ASCII, and SseClientOptions.LastEventIdEncoding is AsciiOnly; the request to {url} is not sent.");

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
        if (lastEventIdValue is not null)
        {
            request.Headers.TryAddWithoutValidation(LastEventIdHeader, lastEventIdValue);
        }

        request.Content = withBody ? _contentFactory?.Invoke() : null;
        if (!withCallerHeaders)
        {
            return request;
        }

        foreach (KeyValuePair<string, string> header in _headers)
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

        _configureRequest?.Invoke(request);
        return request;
    }

    /// <summary>The header value for a last event ID, or <see langword="null"/> when the encoding refuses it.</summary>
    internal static string? EncodeLastEventId(string lastEventId, SseLastEventIdEncoding encoding) => encoding switch
    {
#if NET
        // The handler writes the header's chars as UTF-8 (see CreateHttpClient and SendsLastEventIdAsUtf8).
        SseLastEventIdEncoding.Utf8 => lastEventId,
#else
        SseLastEventIdEncoding.Utf8 => AsHeaderBytes(lastEventId),
#endif
        SseLastEventIdEncoding.PercentEncoded => PercentEncode(lastEventId),
        _ => IsAscii(lastEventId) ? lastEventId : null,
    };

    private static bool IsAscii(string value)
    {
        foreach (char c in value)
        {
            if (c > 0x7F)
            {
                return false;
            }
        }

        return true;
    }

#if !NET
    /// <summary>
    /// The value to give HttpClientHandler for a header that must go out as UTF-8: each UTF-8 byte as the char of the
    /// same number, which .NET Framework's handler writes as that byte. An ASCII value is returned as it is.
    /// </summary>
    private static string AsHeaderBytes(string value)
    {
        if (IsAscii(value))
        {
            return value;
        }

        byte[] utf8 = Encoding.UTF8.GetBytes(value);
        char[] chars = new char[utf8.Length];
        for (int i = 0; i < utf8.Length; i++)
        {
            chars[i] = (char)utf8[i];
        }

        return new string(chars);
    }
#endif

    /// <summary>
    /// Whether a handler must write the header <paramref name="name"/> as UTF-8: for its
    /// <c>SocketsHttpHandler.RequestHeaderEncodingSelector</c>, which otherwise refuses a non-ASCII value.
    /// </summary>
    public static bool SendsLastEventIdAsUtf8(string name) => string.Equals(name, LastEventIdHeader, StringComparison.OrdinalIgnoreCase);

    /// <summary>The client's own <see cref="HttpClient"/>, made when the caller passes none.</summary>
#if NET
    public static HttpClient CreateHttpClient() =>
        new(new SocketsHttpHandler
        {
            // Spec: the last event ID string is "encoded as UTF-8" in the Last-Event-ID header.
            RequestHeaderEncodingSelector = static (name, _) => SendsLastEventIdAsUtf8(name) ? Encoding.UTF8 : null,

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
    public static HttpClient CreateHttpClient() =>
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

    /// <summary>
    /// The ID's UTF-8 bytes with each byte that is not a printable ASCII character, and each space and <c>%</c>, as
    /// <c>%XX</c>: an ASCII ID without those goes as it is, and <see cref="Uri.UnescapeDataString(string)"/> gives any ID back.
    /// </summary>
    private static string PercentEncode(string lastEventId)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(lastEventId);
        var text = new StringBuilder(utf8.Length);
        foreach (byte b in utf8)
        {
            if (b is > (byte)' ' and < 0x7F and not (byte)'%')
            {
                text.Append((char)b);
            }
            else
            {
                text.Append('%').Append(HexDigit(b >> 4)).Append(HexDigit(b & 0xF));
            }
        }

        return text.ToString();
    }

    private static char HexDigit(int value) => (char)(value < 10 ? '0' + value : 'A' + value - 10);

    private static bool IsContentHeader(string name) =>
        name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Expires", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Last-Modified", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Allow", StringComparison.OrdinalIgnoreCase);
}

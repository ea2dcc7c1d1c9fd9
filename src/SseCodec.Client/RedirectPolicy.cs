using System.Net;

namespace SseCodec.Client;

/// <summary>
/// The rules for the redirects the client follows itself: which it follows (at most <see cref="SseClientOptions.MaxRedirects"/>,
/// never from https to http), with which method and body (Fetch's), and whether the caller's headers still go along
/// (only to the stream's own origin).
/// </summary>
internal sealed class RedirectPolicy(int maxRedirects)
{
    // netstandard2.0's HttpStatusCode has no name for 308.
    private const HttpStatusCode PermanentRedirect = (HttpStatusCode)308;

    /// <summary>Whether <paramref name="status"/> is a redirect the client may follow: 301, 302, 303, 307 or 308.</summary>
    public static bool IsRedirect(HttpStatusCode status) =>
        status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or PermanentRedirect;

    /// <summary>Finds why a redirect is not followed, if it is not.</summary>
    /// <param name="from">The URL that answered with the redirect.</param>
    /// <param name="location">Its <c>Location</c>, possibly relative.</param>
    /// <param name="redirectsSoFar">How many redirects this connection already followed.</param>
    /// <param name="target">The absolute URL to go to, when the redirect is followed.</param>
    /// <returns><see langword="null"/> to follow it; otherwise the end of a sentence that says why not.</returns>
    public string? FindRefusal(Uri from, Uri location, int redirectsSoFar, out Uri target)
    {
        if (!Uri.TryCreate(from, location, out Uri? resolved) || (resolved.Scheme != Uri.UriSchemeHttp && resolved.Scheme != Uri.UriSchemeHttps))
        {
            target = from;
            return $"to {location}, which is not an http or https URL";
        }

        target = resolved;
        if (from.Scheme == Uri.UriSchemeHttps && resolved.Scheme == Uri.UriSchemeHttp)
        {
            return $"from https to http ({resolved}), which would send the request in clear text";
        }

        return redirectsSoFar >= maxRedirects ? $"to {resolved}: more than {maxRedirects} redirects (MaxRedirects)" : null;
    }

    /// <summary>Fetch: 303 (but for HEAD), and 301 or 302 after a POST, go on as a GET without body; 307 and 308 keep both.</summary>
    public static bool ContinuesAsGet(HttpStatusCode status, HttpMethod method) =>
        (status == HttpStatusCode.SeeOther && method != HttpMethod.Head)
        || (status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found && method == HttpMethod.Post);

    /// <summary>Whether two URLs have one origin: scheme, host and port.</summary>
    public static bool IsSameOrigin(Uri a, Uri b) =>
        string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase)
        && a.Port == b.Port;
}

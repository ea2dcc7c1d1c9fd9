using System.Net;

namespace SseCodec.Client;

/// <summary>Data for <see cref="SseClient.Opened"/>: the response that opened the stream.</summary>
public sealed class SseOpenedEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    /// <param name="response">The response whose body is the event stream.</param>
    public SseOpenedEventArgs(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        Response = response;
    }

    /// <summary>
    /// The response whose body is the event stream, for its status and headers. Valid during the handler only:
    /// do not read its content or dispose it.
    /// </summary>
    public HttpResponseMessage Response { get; }

    /// <summary>The response status code (200).</summary>
    public HttpStatusCode StatusCode => Response.StatusCode;
}

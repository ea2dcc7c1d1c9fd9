namespace SseCodec.Client;

/// <summary>How an <see cref="SseClient"/> sends a last event ID that is not ASCII in the <c>Last-Event-ID</c> header.</summary>
/// <remarks>An ASCII ID goes as it is in every mode, but for a space or <c>%</c> with <see cref="PercentEncoded"/>.</remarks>
public enum SseLastEventIdEncoding
{
    /// <summary>
    /// The ID's UTF-8 bytes, as the spec asks and browsers do. The handler must write the header as UTF-8: the client's
    /// own does, and so does the one <c>AddSseClient</c> registers; another <c>SocketsHttpHandler</c> needs a
    /// <c>SocketsHttpHandler.RequestHeaderEncodingSelector</c> that picks UTF-8 for <c>Last-Event-ID</c>, or the
    /// request fails (as a network error, each time it is retried).
    /// </summary>
    Utf8 = 0,

    /// <summary>
    /// ASCII only: each byte of the ID's UTF-8 that is not a printable ASCII character, and each space and <c>%</c>,
    /// as <c>%XX</c> (<c>é1</c> goes as <c>%C3%A91</c>); the server decodes it with <see cref="Uri.UnescapeDataString(string)"/>
    /// or its like. Works with any handler and proxy.
    /// </summary>
    PercentEncoded = 1,

    /// <summary>
    /// Only an ASCII ID is sent: a non-ASCII one fails the connection (<see cref="SseFailureReason.NonAsciiLastEventId"/>)
    /// before the request is sent, and a non-ASCII <see cref="SseClientOptions.LastEventId"/> is refused when the client is made.
    /// </summary>
    AsciiOnly = 2,
}

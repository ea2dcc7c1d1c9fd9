namespace SseCodec.Client;

/// <summary>Why a connection ended or could not be opened.</summary>
public enum SseFailureReason
{
    /// <summary>The request could not be sent or the response could not be read: a network error. The client reconnects (a non-idempotent request only if it never reached the server, or with <see cref="SseClientOptions.ResendNonIdempotentRequests"/>).</summary>
    NetworkError = 0,

    /// <summary>The server ended the response body. The client reconnects (a non-idempotent request only with <see cref="SseClientOptions.ResendNonIdempotentRequests"/>).</summary>
    EndOfStream = 1,

    /// <summary>No bytes arrived for <see cref="SseClientOptions.ReadTimeout"/>. The client reconnects (a non-idempotent request only with <see cref="SseClientOptions.ResendNonIdempotentRequests"/>).</summary>
    ReadTimeout = 2,

    /// <summary>The response status was neither 200 nor 204. The connection fails unless <see cref="SseClientOptions.RetryServerErrors"/> retries it.</summary>
    UnexpectedStatusCode = 3,

    /// <summary>The response was a 200 whose content type is not <c>text/event-stream</c>. The connection fails.</summary>
    UnexpectedContentType = 4,

    /// <summary>The event stream broke a limit in <see cref="SseParserOptions"/>. The connection fails.</summary>
    LimitExceeded = 5,

    /// <summary>The client gave up after <see cref="SseClientOptions.MaxRetries"/> reconnections in a row that brought no event. The connection fails.</summary>
    RetriesExhausted = 6,

    /// <summary>The response's <c>Content-Encoding</c> (gzip, say) was not decoded by the handler. The connection fails.</summary>
    UnsupportedContentEncoding = 7,

    /// <summary>A redirect could not be followed: over <see cref="SseClientOptions.MaxRedirects"/>, from https to http, or to a URL that is not http or https. The connection fails.</summary>
    RedirectRefused = 8,

    /// <summary>The last event ID is not ASCII and <see cref="SseClientOptions.LastEventIdEncoding"/> is <see cref="SseLastEventIdEncoding.AsciiOnly"/>. The connection fails before the request is sent.</summary>
    NonAsciiLastEventId = 9,
}

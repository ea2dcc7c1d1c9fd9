namespace SseCodec.Client;

/// <summary>Why an <see cref="SseClient"/> reached <see cref="SseReadyState.Closed"/>.</summary>
public enum SseCloseReason
{
    /// <summary>The server answered 204 No Content: the stream is over for good.</summary>
    NoContent = 0,

    /// <summary>The connection failed (see <see cref="SseClosedEventArgs.Exception"/>) and the client does not reconnect.</summary>
    Failed = 1,

    /// <summary><see cref="SseClient.Close"/> or <see cref="SseClient.Dispose"/> was called, or an <c>await foreach</c> over the client was left.</summary>
    Closed = 2,

    /// <summary>The cancellation token passed to a read was canceled.</summary>
    Canceled = 3,

    /// <summary>The server ended the body of a non-idempotent request, which is not sent again (see <see cref="SseClientOptions.ResendNonIdempotentRequests"/>).</summary>
    Ended = 4,
}

namespace SseCodec.Client;

/// <summary>Data for <see cref="SseClient.Error"/>: why a connection ended or could not be opened.</summary>
public sealed class SseErrorEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    /// <param name="reason">Why the connection ended.</param>
    /// <param name="exception">The exception behind it, if any.</param>
    /// <param name="willReconnect">Whether the client will reconnect.</param>
    public SseErrorEventArgs(SseFailureReason reason, Exception? exception, bool willReconnect)
    {
        Reason = reason;
        Exception = exception;
        WillReconnect = willReconnect;
    }

    /// <summary>Why the connection ended.</summary>
    public SseFailureReason Reason { get; }

    /// <summary>
    /// The exception behind it: an <see cref="SseConnectionException"/> for a status, content type or limit failure,
    /// the network's exception for a network error; <see langword="null"/> at the end of the stream or a read timeout.
    /// </summary>
    public Exception? Exception { get; }

    /// <summary><see langword="true"/> if the client will reconnect (a <see cref="SseClient.ReconnectScheduled"/> follows); <see langword="false"/> if it closes.</summary>
    public bool WillReconnect { get; }
}

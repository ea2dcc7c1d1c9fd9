namespace SseCodec.Client;

/// <summary>Data for <see cref="SseClient.Closed"/>.</summary>
public sealed class SseClosedEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    /// <param name="reason">Why the client closed.</param>
    /// <param name="exception">The failure, for <see cref="SseCloseReason.Failed"/>.</param>
    public SseClosedEventArgs(SseCloseReason reason, Exception? exception)
    {
        Reason = reason;
        Exception = exception;
    }

    /// <summary>Why the client closed.</summary>
    public SseCloseReason Reason { get; }

    /// <summary>The failure, usually an <see cref="SseConnectionException"/>, for <see cref="SseCloseReason.Failed"/>; otherwise <see langword="null"/>.</summary>
    public Exception? Exception { get; }
}

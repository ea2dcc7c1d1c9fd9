using System.Text;

namespace SseCodec.Client;

/// <summary>
/// Holds the handlers of an <see cref="SseClient"/>'s notifications and raises them with the client as sender. The
/// client decides when; this makes the event data, and a comment's string only when someone listens.
/// </summary>
internal sealed class SseClientNotifier(SseClient sender)
{
    public event EventHandler<SseOpenedEventArgs>? Opened;

    public event EventHandler<SseErrorEventArgs>? Error;

    public event EventHandler<SseReconnectEventArgs>? ReconnectScheduled;

    public event EventHandler<SseClosedEventArgs>? Closed;

    public event EventHandler<SseCommentEventArgs>? CommentReceived;

    /// <summary>Whether a handler listens for comments: without one, the parser skips them at no cost.</summary>
    public bool HasCommentListeners => CommentReceived is not null;

    public void RaiseOpened(HttpResponseMessage response) => Opened?.Invoke(sender, new SseOpenedEventArgs(response));

    public void RaiseError(SseFailureReason reason, Exception? exception, bool willReconnect) =>
        Error?.Invoke(sender, new SseErrorEventArgs(reason, exception, willReconnect));

    public void RaiseReconnectScheduled(TimeSpan delay, int attempt, string lastEventId) =>
        ReconnectScheduled?.Invoke(sender, new SseReconnectEventArgs(delay, attempt, lastEventId));

    public void RaiseClosed(SseCloseReason reason, Exception? exception) =>
        Closed?.Invoke(sender, new SseClosedEventArgs(reason, exception));

    public void RaiseComment(ReadOnlySpan<byte> comment) =>
        CommentReceived?.Invoke(sender, new SseCommentEventArgs(Encoding.UTF8.GetString(comment)));
}

namespace SseCodec.Client;

/// <summary>Data for <see cref="SseClient.CommentReceived"/>.</summary>
public sealed class SseCommentEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    /// <param name="comment">The comment's text.</param>
    public SseCommentEventArgs(string comment) => Comment = comment;

    /// <summary>The comment's text: what follows the colon, without one leading space.</summary>
    public string Comment { get; }
}

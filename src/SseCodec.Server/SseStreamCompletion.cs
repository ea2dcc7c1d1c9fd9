namespace SseCodec.Server;

/// <summary>Why an event stream ended.</summary>
public enum SseStreamCompletion
{
    /// <summary>The source ended (or the hub was disposed): the response can end normally.</summary>
    SourceCompleted,

    /// <summary>
    /// The caller's token was canceled (typically: the client went away) or the connection ended under the stream: the
    /// pipe's reader completed, or a flush failed with an <see cref="IOException"/>, <see cref="OperationCanceledException"/>
    /// or <see cref="ObjectDisposedException"/>.
    /// </summary>
    Canceled,

    /// <summary>The hub dropped the connection because it fell behind (its queue full, and the history, if any, no longer holding what it missed): abort the connection.</summary>
    SlowClient,

    /// <summary>
    /// The hub sent the connection <see cref="SseHubOptions.MaxReplayBytes"/> from its history and ended the stream
    /// after the last whole event: the response can end normally, and the client resumes with its <c>Last-Event-ID</c>.
    /// </summary>
    ReplayLimitReached,
}

namespace SseCodec.Server;

/// <summary>Why an event stream ended.</summary>
public enum SseStreamCompletion
{
    /// <summary>The source ended (or the hub was disposed): the response can end normally.</summary>
    SourceCompleted,

    /// <summary>The caller's token was canceled (the client went away) or the reader of the pipe completed.</summary>
    Canceled,

    /// <summary>The hub dropped the connection because it fell behind (its queue full, and the history, if any, no longer holding what it missed): abort the connection.</summary>
    SlowClient,

    /// <summary>
    /// The hub sent the connection <see cref="SseHubOptions.MaxReplayBytes"/> from its history and ended the stream
    /// after the last whole event: the response can end normally, and the client resumes with its <c>Last-Event-ID</c>.
    /// </summary>
    ReplayLimitReached,
}

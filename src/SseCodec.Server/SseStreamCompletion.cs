namespace SseCodec.Server;

/// <summary>Why an event stream ended.</summary>
public enum SseStreamCompletion
{
    /// <summary>The source ended (or the hub was disposed): the response can end normally.</summary>
    SourceCompleted,

    /// <summary>The caller's token was canceled (the client went away) or the reader of the pipe completed.</summary>
    Canceled,

    /// <summary>The hub dropped the connection because its queue was full and the policy is <see cref="SseSlowClientPolicy.Disconnect"/>: abort the connection.</summary>
    SlowClient,
}

namespace SseCodec.Client;

/// <summary>The state of an <see cref="SseClient"/>'s connection, as the <c>EventSource</c> <c>readyState</c> attribute.</summary>
public enum SseReadyState
{
    /// <summary>The connection has not yet been established, or it was closed and the client is reconnecting.</summary>
    Connecting = 0,

    /// <summary>The connection is open and events are being read.</summary>
    Open = 1,

    /// <summary>The connection is closed and the client will not reconnect unless <see cref="SseClient.Restart"/> is called.</summary>
    Closed = 2,
}

namespace SseCodec.Client;

/// <summary>
/// What a reading session holds: the decoder, kept across the session's connections so that the last event ID and
/// the reconnection time carry over, and the connection open on it, if any. Released when a connection ends (the
/// decoder is reset and kept) and when the client closes (the decoder's pooled buffers are returned).
/// </summary>
/// <remarks>Owned by the reading flow, or released by the state machine under its gate while no read is in progress.</remarks>
internal sealed class SseSession(SseParserOptions parserOptions, SseClientState state, ReconnectPolicy reconnect)
{
    private SseDecoder? _decoder;

    /// <summary>The open connection, if any.</summary>
    public SseConnection? Connection { get; private set; }

    /// <summary>The session's decoder, made on first use with the last event ID to resume from.</summary>
    public SseDecoder Decoder => _decoder ??= CreateDecoder();

    /// <summary>Makes <paramref name="connection"/>, opened on <see cref="Decoder"/>, the session's connection.</summary>
    public void Attach(SseConnection connection) => Connection = connection;

    /// <summary>
    /// Aborts the response and returns the reader's buffers. With <paramref name="keepDecoder"/> the decoder is reset
    /// for the next connection, keeping the last event ID and reconnection time; without it, they are saved, the
    /// decoder's pooled buffers are returned and the connection attempt ends.
    /// </summary>
    public void Release(bool keepDecoder)
    {
        if (Connection is { } connection)
        {
            Connection = null;
            connection.Dispose();
        }

        reconnect.OnConnectionReleased();
        if (_decoder is { } decoder)
        {
            // Spec: "If the file ends in the middle of an event, before the final empty line, the incomplete event is
            // not dispatched." The decoder discards it and never commits its id.
            decoder.Reset();
            state.SaveResumePoint(decoder.LastEventIdUtf8, decoder.ReconnectionTime);
            if (!keepDecoder)
            {
                _decoder = null;
                decoder.Dispose();
            }
        }

        if (!keepDecoder)
        {
            state.EndAttempt();
        }
    }

    /// <summary>Aborts the response, leaving the reader's and decoder's buffers, and so the current event, as they are.</summary>
    public void Abort() => Connection?.Response.Dispose();

    private SseDecoder CreateDecoder()
    {
        var decoder = new SseDecoder(parserOptions);
        byte[] lastEventId = state.LastEventIdUtf8;
        if (lastEventId.Length != 0)
        {
            decoder.SetLastEventId(lastEventId);
        }

        return decoder;
    }
}

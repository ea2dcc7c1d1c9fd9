using System.Runtime.CompilerServices;

namespace SseCodec.Client;

/// <summary>
/// One open event stream: a 200 <c>text/event-stream</c> response whose body is read through an <see cref="SseReader"/>
/// with the client's decoder, so the client has no read loop of its own and reads as fast as the reader does.
/// </summary>
/// <remarks>
/// <para>
/// The decoder is the client's, kept across connections (its last event ID and reconnection time persist); the reader
/// does not dispose it, and the client resets it between streams. Reads are cancelled through the connection attempt:
/// by the read timeout (armed only while a read waits on the network, see <see cref="ReadTimeoutStream"/>), and by
/// whatever the client links to the attempt (its caller's token, <c>Close</c>, <c>Restart</c>).
/// </para>
/// <para>Used by one reading flow at a time; disposed by it, or by the client while no read is in progress.</para>
/// </remarks>
internal sealed class SseConnection : IDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly SseReader _reader;
    private readonly ConnectionAttempt _attempt;
    private readonly CancellationToken _token;

    /// <param name="response">The response, disposed with the connection.</param>
    /// <param name="body">Its body; disposed with the connection.</param>
    /// <param name="decoder">The client's decoder, fresh or reset since the last stream; not disposed with the connection.</param>
    /// <param name="attempt">The connection attempt: cancelling it cancels a pending read; its read timeout, if any, times each wait for bytes.</param>
    public SseConnection(HttpResponseMessage response, Stream body, SseDecoder decoder, ConnectionAttempt attempt)
    {
        _response = response;
        _attempt = attempt;
        _token = attempt.Token;
        Stream timed = attempt.HasReadTimeout ? new ReadTimeoutStream(body, attempt) : body;
        _reader = new SseReader(timed, decoder, leaveOpen: false);
    }

    /// <summary>The response this connection reads.</summary>
    public HttpResponseMessage Response => _response;

    /// <summary>The connection attempt whose cancellation ends a pending read.</summary>
    public ConnectionAttempt Attempt => _attempt;

    /// <summary>The event the last read moved to, valid until the next read.</summary>
    public SseEvent Current => _reader.Current;

    /// <summary>The comment the last read moved to, valid until the next read.</summary>
    public ReadOnlySpan<byte> CurrentComment => _reader.CurrentComment;

    /// <summary>
    /// Moves to the next event or, with <paramref name="withComments"/>, the next event or comment. Completes
    /// synchronously when the item is already buffered.
    /// </summary>
    /// <returns><see cref="SseItemKind.Event"/> or <see cref="SseItemKind.Comment"/>; <see cref="SseItemKind.None"/> at the end of the body, after every complete event in it.</returns>
    /// <exception cref="SseLimitExceededException">The stream broke a parser limit.</exception>
    /// <exception cref="OperationCanceledException">The attempt was cancelled: read timeout, or what the client linked to it.</exception>
    /// <exception cref="IOException">The body broke off.</exception>
    /// <exception cref="HttpRequestException">The body broke off.</exception>
    public ValueTask<SseItemKind> ReadAsync(bool withComments)
    {
        if (withComments)
        {
            return ReadEventOrCommentAsync();
        }

        // Comments and retry fields are skipped inside the parser at no cost when nobody listens for comments.
        ValueTask<bool> read = _reader.ReadAsync(_token);
        return read.IsCompletedSuccessfully
            ? new ValueTask<SseItemKind>(read.Result ? SseItemKind.Event : SseItemKind.None)
            : AwaitEventAsync(read);
    }

    /// <summary>Aborts the response and returns the reader's pooled buffers; the decoder stays with the client.</summary>
    public void Dispose()
    {
        _reader.Dispose();
        _response.Dispose();
    }

    private ValueTask<SseItemKind> ReadEventOrCommentAsync()
    {
        while (true)
        {
            ValueTask<SseItemKind> read = _reader.ReadItemAsync(_token);
            if (!read.IsCompletedSuccessfully)
            {
                return AwaitEventOrCommentAsync(read);
            }

            // The reconnection time stays in the decoder, where the client reads it when it schedules a reconnection.
            SseItemKind kind = read.Result;
            if (kind != SseItemKind.ReconnectionTime)
            {
                return new ValueTask<SseItemKind>(kind);
            }
        }
    }

#if NET
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
#endif
    private static async ValueTask<SseItemKind> AwaitEventAsync(ValueTask<bool> read) =>
        await read.ConfigureAwait(false) ? SseItemKind.Event : SseItemKind.None;

#if NET
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
#endif
    private async ValueTask<SseItemKind> AwaitEventOrCommentAsync(ValueTask<SseItemKind> read)
    {
        SseItemKind kind = await read.ConfigureAwait(false);
        while (kind == SseItemKind.ReconnectionTime)
        {
            kind = await _reader.ReadItemAsync(_token).ConfigureAwait(false);
        }

        return kind;
    }
}

using System.IO.Pipelines;

namespace SseCodec.Server;

/// <summary>
/// Streams events into any <see cref="PipeWriter"/> or <see cref="Stream"/>, for servers other than ASP.NET Core: the
/// loop the ASP.NET Core adapter runs, with heartbeats, the opening <c>retry</c> line and the flush policy of
/// <see cref="SseStreamOptions"/>.
/// </summary>
/// <remarks>
/// The events come from a producer: a method that writes them to the stream's <see cref="SseWriter"/>.
/// <see cref="SseSource"/> makes one from an async sequence or a channel; <see cref="SseHub.StreamAsync(PipeWriter, string?, IEnumerable{string}?, SseStreamOptions?, CancellationToken)"/>
/// streams a hub's broadcasts instead.
/// </remarks>
public static class SseStreaming
{
    /// <summary>
    /// Opens the stream and hands its <see cref="SseWriter"/> to <paramref name="produce"/>, which writes events until it
    /// returns or the token it is given is canceled. Heartbeats are written while it is idle.
    /// </summary>
    /// <param name="destination">The pipe to write the event stream to; flushed, not completed: it belongs to the caller.</param>
    /// <param name="produce">
    /// Writes the events; <see cref="SseSource"/> makes one from a sequence or a channel. Its token ends with the stream;
    /// an <see cref="OperationCanceledException"/> for it ends the stream quietly.
    /// </param>
    /// <param name="options">Heartbeats, reconnection time, flushing; the defaults when <see langword="null"/>. Validated and copied here.</param>
    /// <param name="cancellationToken">Ends the stream, typically the request's aborted token.</param>
    /// <returns>
    /// Why the stream ended: <see cref="SseStreamCompletion.SourceCompleted"/> when <paramref name="produce"/> returned,
    /// <see cref="SseStreamCompletion.Canceled"/> when the token was canceled or the connection ended (the pipe's reader
    /// completed, or its flush failed with an <see cref="IOException"/>, <see cref="OperationCanceledException"/> or
    /// <see cref="ObjectDisposedException"/>). Neither is thrown; any other exception of <paramref name="produce"/> is.
    /// </returns>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static async Task<SseStreamCompletion> StreamAsync(PipeWriter destination, Func<SseWriter, CancellationToken, Task> produce, SseStreamOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(produce);
        var session = new SseSession(destination, options, cancellationToken);
        await using (session.ConfigureAwait(false))
        {
            try
            {
                await session.StartAsync().ConfigureAwait(false);
                await produce(session.Writer, session.Token).ConfigureAwait(false);
                await session.Writer.FlushAsync(session.Token).ConfigureAwait(false);
                return session.Token.IsCancellationRequested ? SseStreamCompletion.Canceled : SseStreamCompletion.SourceCompleted;
            }
            catch (Exception e) when (session.IsEndOfStream(e))
            {
                return SseStreamCompletion.Canceled;
            }
        }
    }

    /// <summary>Streams into a <see cref="Stream"/>, which is left open: see <see cref="StreamAsync(PipeWriter, Func{SseWriter, CancellationToken, Task}, SseStreamOptions?, CancellationToken)"/>.</summary>
    /// <param name="destination">The stream to write to.</param>
    /// <param name="produce">Writes the events.</param>
    /// <param name="options">Heartbeats, reconnection time, flushing; the defaults when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Ends the stream.</param>
    /// <returns>Why the stream ended.</returns>
    public static Task<SseStreamCompletion> StreamAsync(Stream destination, Func<SseWriter, CancellationToken, Task> produce, SseStreamOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(produce);
        return StreamDestination.RunAsync(destination, (produce, options, cancellationToken), static (pipe, s) => StreamAsync(pipe, s.produce, s.options, s.cancellationToken));
    }
}

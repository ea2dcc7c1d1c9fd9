using System.Buffers;
using System.IO.Pipelines;
using System.Net.ServerSentEvents;
using System.Text.Json.Serialization.Metadata;
using System.Threading.Channels;

namespace SseCodec.Server;

/// <summary>
/// Streams events into any <see cref="PipeWriter"/> or <see cref="Stream"/>, for servers other than ASP.NET Core: the
/// same loop the ASP.NET Core adapter runs, with heartbeats, the opening <c>retry</c> line and the flush policy of
/// <see cref="SseStreamOptions"/>.
/// </summary>
/// <remarks>
/// Each method returns when the source ends (<see cref="SseStreamCompletion.SourceCompleted"/>) or when the token is
/// canceled or the pipe's reader completes (<see cref="SseStreamCompletion.Canceled"/>); it does not throw for either.
/// An exception thrown by the source or the formatter is thrown to the caller. The destination is flushed but not
/// completed: it belongs to the caller.
/// </remarks>
public static class SseStreaming
{
    /// <summary>Streams events written by <paramref name="writeEvent"/>, one per item of <paramref name="source"/>.</summary>
    /// <typeparam name="T">The type of the items.</typeparam>
    /// <param name="destination">The pipe to write the event stream to.</param>
    /// <param name="source">The items. Its enumeration is given the stream's token.</param>
    /// <param name="writeEvent">Writes one item as an event, typically with <see cref="SseEncoder"/>.</param>
    /// <param name="options">Heartbeats, retry, flushing; the defaults when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Ends the stream, typically the request's aborted token.</param>
    /// <returns>Why the stream ended.</returns>
    public static async Task<SseStreamCompletion> StreamAsync<T>(PipeWriter destination, IAsyncEnumerable<T> source, Action<IBufferWriter<byte>, T> writeEvent, SseStreamOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(writeEvent);
        return await RunAsync(destination, (source, writeEvent), static async (writer, s, token) =>
        {
            await foreach (T item in s.source.WithCancellation(token).ConfigureAwait(false))
            {
                await writer.WriteAsync((s.writeEvent, item), static (w, x) => x.writeEvent(w, x.item), token).ConfigureAwait(false);
            }
        }, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Streams <see cref="SseItem{T}"/> of text: data, event type, ID and reconnection interval.</summary>
    /// <inheritdoc cref="StreamAsync{T}(PipeWriter, IAsyncEnumerable{T}, Action{IBufferWriter{byte}, T}, SseStreamOptions?, CancellationToken)"/>
    public static Task<SseStreamCompletion> StreamAsync(PipeWriter destination, IAsyncEnumerable<SseItem<string>> source, SseStreamOptions? options = null, CancellationToken cancellationToken = default) =>
        StreamAsync(destination, source, static (w, item) => w.WriteSseItem(item), options, cancellationToken);

    /// <summary>Streams <see cref="SseItem{T}"/> whose data is serialized as JSON.</summary>
    /// <typeparam name="T">The type of the items' data.</typeparam>
    /// <param name="destination">The pipe to write the event stream to.</param>
    /// <param name="source">The items. Its enumeration is given the stream's token.</param>
    /// <param name="jsonTypeInfo">Metadata for <typeparamref name="T"/>: safe for trimming and AOT.</param>
    /// <param name="options">Heartbeats, retry, flushing; the defaults when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Ends the stream, typically the request's aborted token.</param>
    /// <returns>Why the stream ended.</returns>
    public static Task<SseStreamCompletion> StreamAsync<T>(PipeWriter destination, IAsyncEnumerable<SseItem<T>> source, JsonTypeInfo<T> jsonTypeInfo, SseStreamOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(jsonTypeInfo);
        return StreamAsync(destination, source, (w, item) => w.WriteSseItem(item, jsonTypeInfo), options, cancellationToken);
    }

    /// <summary>Streams one event per item read from <paramref name="source"/> until the channel completes.</summary>
    /// <typeparam name="T">The type of the items.</typeparam>
    /// <param name="destination">The pipe to write the event stream to.</param>
    /// <param name="source">The channel to read.</param>
    /// <param name="writeEvent">Writes one item as an event, typically with <see cref="SseEncoder"/>.</param>
    /// <param name="options">Heartbeats, retry, flushing; the defaults when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Ends the stream, typically the request's aborted token.</param>
    /// <returns>Why the stream ended.</returns>
    public static Task<SseStreamCompletion> StreamAsync<T>(PipeWriter destination, ChannelReader<T> source, Action<IBufferWriter<byte>, T> writeEvent, SseStreamOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(writeEvent);
        return RunAsync(destination, (source, writeEvent), static async (writer, s, token) =>
        {
            while (await s.source.WaitToReadAsync(token).ConfigureAwait(false))
            {
                // Write what is already waiting in one turn; the flush policy then flushes once for the batch.
                await writer.WriteAsync(s, static (w, x) =>
                {
                    int n = 0;
                    while (n++ < 256 && x.source.TryRead(out T? item))
                    {
                        x.writeEvent(w, item);
                    }
                }, token).ConfigureAwait(false);
            }
        }, options, cancellationToken);
    }

    /// <summary>Streams <see cref="SseItem{T}"/> of text read from a channel.</summary>
    /// <inheritdoc cref="StreamAsync{T}(PipeWriter, ChannelReader{T}, Action{IBufferWriter{byte}, T}, SseStreamOptions?, CancellationToken)"/>
    public static Task<SseStreamCompletion> StreamAsync(PipeWriter destination, ChannelReader<SseItem<string>> source, SseStreamOptions? options = null, CancellationToken cancellationToken = default) =>
        StreamAsync(destination, source, static (w, item) => w.WriteSseItem(item), options, cancellationToken);

    /// <summary>
    /// Opens the stream and hands its <see cref="SseWriter"/> to <paramref name="produce"/>, which writes events until it
    /// returns or the token it is given is canceled. Heartbeats are written between its writes while it is idle.
    /// </summary>
    /// <param name="destination">The pipe to write the event stream to.</param>
    /// <param name="produce">Writes the events. Its <see cref="OperationCanceledException"/> on the given token ends the stream quietly.</param>
    /// <param name="options">Heartbeats, retry, flushing; the defaults when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Ends the stream, typically the request's aborted token.</param>
    /// <returns>Why the stream ended.</returns>
    public static Task<SseStreamCompletion> StreamAsync(PipeWriter destination, Func<SseWriter, CancellationToken, Task> produce, SseStreamOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(produce);
        return RunAsync(destination, produce, static (writer, p, token) => p(writer, token), options, cancellationToken);
    }

    /// <summary>Streams to a <see cref="Stream"/>: see <see cref="StreamAsync(PipeWriter, Func{SseWriter, CancellationToken, Task}, SseStreamOptions?, CancellationToken)"/>. The stream is left open.</summary>
    /// <param name="destination">The stream to write to.</param>
    /// <param name="produce">Writes the events.</param>
    /// <param name="options">Heartbeats, retry, flushing; the defaults when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Ends the stream.</param>
    /// <returns>Why the stream ended.</returns>
    public static async Task<SseStreamCompletion> StreamAsync(Stream destination, Func<SseWriter, CancellationToken, Task> produce, SseStreamOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        PipeWriter pipe = PipeWriter.Create(destination, new StreamPipeWriterOptions(leaveOpen: true));
        try
        {
            return await StreamAsync(pipe, produce, options, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await pipe.CompleteAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Streams to a <see cref="Stream"/>: see <see cref="StreamAsync{T}(PipeWriter, IAsyncEnumerable{T}, Action{IBufferWriter{byte}, T}, SseStreamOptions?, CancellationToken)"/>. The stream is left open.</summary>
    /// <typeparam name="T">The type of the items.</typeparam>
    /// <param name="destination">The stream to write to.</param>
    /// <param name="source">The items.</param>
    /// <param name="writeEvent">Writes one item as an event.</param>
    /// <param name="options">Heartbeats, retry, flushing; the defaults when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Ends the stream.</param>
    /// <returns>Why the stream ended.</returns>
    public static async Task<SseStreamCompletion> StreamAsync<T>(Stream destination, IAsyncEnumerable<T> source, Action<IBufferWriter<byte>, T> writeEvent, SseStreamOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        PipeWriter pipe = PipeWriter.Create(destination, new StreamPipeWriterOptions(leaveOpen: true));
        try
        {
            return await StreamAsync(pipe, source, writeEvent, options, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await pipe.CompleteAsync().ConfigureAwait(false);
        }
    }

    internal static async Task<SseStreamCompletion> RunAsync<TState>(PipeWriter destination, TState state, Func<SseWriter, TState, CancellationToken, Task> body, SseStreamOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var session = new SseSession(destination, options, cancellationToken);
        await using (session.ConfigureAwait(false))
        {
            try
            {
                await session.StartAsync().ConfigureAwait(false);
                await body(session.Writer, state, session.Token).ConfigureAwait(false);
                await session.Writer.FlushAsync(session.Token).ConfigureAwait(false);
                return session.Token.IsCancellationRequested ? SseStreamCompletion.Canceled : SseStreamCompletion.SourceCompleted;
            }
            catch (Exception e) when (IsEndOfConnection(e, session.Token))
            {
                return SseStreamCompletion.Canceled;
            }
        }
    }

    internal static bool IsEndOfConnection(Exception e, CancellationToken token) =>
        (e is OperationCanceledException && token.IsCancellationRequested) ||
        (e is IOException && token.IsCancellationRequested) ||
        e.GetType().Name is "ConnectionResetException" or "ConnectionAbortedException";
}

using System.Buffers;
using System.Net.ServerSentEvents;
using System.Text.Json.Serialization.Metadata;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;
using SseCodec.Server;

namespace SseCodec.AspNetCore;

/// <summary>
/// Minimal-API results that stream an event stream: return one from an endpoint. They do what
/// <see cref="SseHttpResponseExtensions"/> does, when the result executes.
/// </summary>
public static class SseResults
{
    /// <summary>Streams one event per item of <paramref name="source"/>, written by <paramref name="writeEvent"/>.</summary>
    /// <typeparam name="T">The type of the items.</typeparam>
    /// <param name="source">The items.</param>
    /// <param name="writeEvent">Writes one item as an event, typically with <see cref="SseEncoder"/>.</param>
    /// <param name="options">Heartbeats, retry, flushing; the defaults when <see langword="null"/>.</param>
    /// <returns>The result.</returns>
    public static IResult Stream<T>(IAsyncEnumerable<T> source, Action<IBufferWriter<byte>, T> writeEvent, SseStreamOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(writeEvent);
        return new SseStreamResult(c => c.Response.WriteEventStreamAsync(source, writeEvent, options));
    }

    /// <summary>Streams <see cref="SseItem{T}"/> of text.</summary>
    /// <param name="source">The items.</param>
    /// <param name="options">Heartbeats, retry, flushing; the defaults when <see langword="null"/>.</param>
    /// <returns>The result.</returns>
    public static IResult Stream(IAsyncEnumerable<SseItem<string>> source, SseStreamOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        return new SseStreamResult(c => c.Response.WriteEventStreamAsync(source, options));
    }

    /// <summary>Streams <see cref="SseItem{T}"/> whose data is serialized as JSON.</summary>
    /// <typeparam name="T">The type of the items' data.</typeparam>
    /// <param name="source">The items.</param>
    /// <param name="jsonTypeInfo">Metadata for <typeparamref name="T"/>: safe for trimming and AOT.</param>
    /// <param name="options">Heartbeats, retry, flushing; the defaults when <see langword="null"/>.</param>
    /// <returns>The result.</returns>
    public static IResult Stream<T>(IAsyncEnumerable<SseItem<T>> source, JsonTypeInfo<T> jsonTypeInfo, SseStreamOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(jsonTypeInfo);
        return new SseStreamResult(c => c.Response.WriteEventStreamAsync(source, jsonTypeInfo, options));
    }

    /// <summary>Streams one event per item read from a channel, until it completes.</summary>
    /// <typeparam name="T">The type of the items.</typeparam>
    /// <param name="source">The channel.</param>
    /// <param name="writeEvent">Writes one item as an event.</param>
    /// <param name="options">Heartbeats, retry, flushing; the defaults when <see langword="null"/>.</param>
    /// <returns>The result.</returns>
    public static IResult Stream<T>(ChannelReader<T> source, Action<IBufferWriter<byte>, T> writeEvent, SseStreamOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(writeEvent);
        return new SseStreamResult(c => c.Response.WriteEventStreamAsync(source, writeEvent, options));
    }

    /// <summary>Streams <see cref="SseItem{T}"/> of text read from a channel.</summary>
    /// <param name="source">The channel.</param>
    /// <param name="options">Heartbeats, retry, flushing; the defaults when <see langword="null"/>.</param>
    /// <returns>The result.</returns>
    public static IResult Stream(ChannelReader<SseItem<string>> source, SseStreamOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        return new SseStreamResult(c => c.Response.WriteEventStreamAsync(source, options));
    }

    /// <summary>Hands the stream's <see cref="SseWriter"/> to <paramref name="produce"/>.</summary>
    /// <param name="produce">Writes events until it returns or its token is canceled.</param>
    /// <param name="options">Heartbeats, retry, flushing; the defaults when <see langword="null"/>.</param>
    /// <returns>The result.</returns>
    public static IResult Stream(Func<SseWriter, CancellationToken, Task> produce, SseStreamOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(produce);
        return new SseStreamResult(c => c.Response.WriteEventStreamAsync(produce, options));
    }

    /// <summary>Subscribes to a hub, replaying what a reconnecting client missed: see <see cref="SseHttpResponseExtensions.WriteEventStreamAsync(HttpResponse, SseHub, IEnumerable{string}?, SseStreamOptions?)"/>.</summary>
    /// <param name="hub">The hub.</param>
    /// <param name="groups">Groups to join besides events published to all; none when <see langword="null"/>.</param>
    /// <param name="options">Heartbeats, retry, flushing; the defaults when <see langword="null"/>.</param>
    /// <returns>The result.</returns>
    public static IResult Subscribe(SseHub hub, IEnumerable<string>? groups = null, SseStreamOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(hub);
        return new SseStreamResult(c => c.Response.WriteEventStreamAsync(hub, groups, options));
    }

    /// <summary>
    /// <c>204 No Content</c>: the answer that tells an <c>EventSource</c> to stop reconnecting (the spec fails the
    /// connection on any status other than 200, and 204 says there is nothing more).
    /// </summary>
    /// <returns>The result.</returns>
    public static IResult StopReconnecting() => Results.NoContent();

    private sealed class SseStreamResult(Func<HttpContext, Task> execute) : IResult, IStatusCodeHttpResult, IContentTypeHttpResult
    {
        public int? StatusCode => StatusCodes.Status200OK;

        public string ContentType => "text/event-stream";

        public Task ExecuteAsync(HttpContext httpContext)
        {
            ArgumentNullException.ThrowIfNull(httpContext);
            return execute(httpContext);
        }
    }
}

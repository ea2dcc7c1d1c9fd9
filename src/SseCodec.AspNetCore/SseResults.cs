using Microsoft.AspNetCore.Http;
using SseCodec.Server;

namespace SseCodec.AspNetCore;

/// <summary>
/// Minimal-API results that stream an event stream: return one from an endpoint. They do what
/// <see cref="SseHttpResponseExtensions"/> does, when the result executes.
/// </summary>
public static class SseResults
{
    /// <summary>
    /// Streams what <paramref name="produce"/> writes: see
    /// <see cref="SseHttpResponseExtensions.WriteEventStreamAsync(HttpResponse, Func{SseWriter, CancellationToken, Task}, SseStreamOptions?)"/>.
    /// </summary>
    /// <param name="produce">Writes events until it returns or its token is canceled; <see cref="SseSource"/> makes one from an async sequence or a channel.</param>
    /// <param name="options">Heartbeats, reconnection time, flushing; the defaults when <see langword="null"/>.</param>
    /// <returns>The result.</returns>
    public static IResult Stream(Func<SseWriter, CancellationToken, Task> produce, SseStreamOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(produce);
        return new SseStreamResult(c => c.Response.WriteEventStreamAsync(produce, options));
    }

    /// <summary>Subscribes to a hub, replaying what a reconnecting client missed: see <see cref="SseHttpResponseExtensions.WriteEventStreamAsync(HttpResponse, SseHub, IEnumerable{string}?, SseStreamOptions?)"/>.</summary>
    /// <param name="hub">The hub.</param>
    /// <param name="groups">Groups to join besides events published to all; none when <see langword="null"/>.</param>
    /// <param name="options">Heartbeats, reconnection time, flushing; the defaults when <see langword="null"/>.</param>
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

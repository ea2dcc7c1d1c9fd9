using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Hosting;
using SseCodec.Server;

namespace SseCodec.AspNetCore;

/// <summary>
/// Writes an event stream as the response: sets <c>text/event-stream</c>, <c>Cache-Control: no-cache</c>, disables
/// response buffering and compression, then streams with <see cref="SseEncoder"/> straight into
/// <see cref="HttpResponse.BodyWriter"/>, with heartbeats and the flush policy of <see cref="SseStreamOptions"/>.
/// </summary>
/// <remarks>
/// Every method completes (without throwing) when the source ends, the client disconnects
/// (<see cref="HttpContext.RequestAborted"/>) or the application stops (<c>IHostApplicationLifetime.ApplicationStopping</c>).
/// They return a plain <see cref="Task"/> so that they fit a <see cref="RequestDelegate"/>; <see cref="SseStreaming"/>
/// and <see cref="SseHub"/> report why a stream ended.
/// </remarks>
public static class SseHttpResponseExtensions
{
    /// <summary>The <c>Last-Event-ID</c> request header, which a reconnecting <c>EventSource</c> sends; <see langword="null"/> when absent.</summary>
    /// <param name="request">The request.</param>
    /// <returns>The header's value, or <see langword="null"/>.</returns>
    public static string? GetLastEventId(this HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Headers.TryGetValue("Last-Event-ID", out var values) && values.Count > 0 ? values[0] : null;
    }

    /// <summary>
    /// Sets the headers of an event stream response and turns off buffering and compression: status 200,
    /// <c>Content-Type: text/event-stream</c>, <c>Cache-Control: no-cache</c>, <c>Content-Encoding: identity</c> (which
    /// response compression leaves alone) and <c>X-Accel-Buffering: no</c> (for nginx). Called by every streaming method.
    /// </summary>
    /// <param name="response">The response, not yet started.</param>
    public static void PrepareEventStream(this HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers.ContentEncoding = "identity";
        response.Headers["X-Accel-Buffering"] = "no";
        response.HttpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
    }

    /// <summary>
    /// Opens the stream and hands its <see cref="SseWriter"/> to <paramref name="produce"/>, which writes events until it
    /// returns or its token is canceled; heartbeats fill its idle time.
    /// </summary>
    /// <param name="response">The response, not yet started.</param>
    /// <param name="produce">
    /// Writes the events; <see cref="SseSource"/> makes one from an async sequence or a channel. Its token ends when the
    /// client disconnects or the application stops.
    /// </param>
    /// <param name="options">Heartbeats, reconnection time, flushing; the defaults when <see langword="null"/>.</param>
    /// <returns>A task that completes when the stream has ended.</returns>
    public static Task WriteEventStreamAsync(this HttpResponse response, Func<SseWriter, CancellationToken, Task> produce, SseStreamOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(produce);
        response.PrepareEventStream();
        return RunAsync(response, (produce, options), static (r, s, t) => SseStreaming.StreamAsync(r.BodyWriter, s.produce, s.options, t));
    }

    /// <summary>
    /// Subscribes the response to <paramref name="hub"/>: replays what the client missed after its <c>Last-Event-ID</c>
    /// (when the hub has a history), then streams live events. A client the slow-client policy disconnects is aborted.
    /// </summary>
    /// <param name="response">The response, not yet started.</param>
    /// <param name="hub">The hub.</param>
    /// <param name="groups">Groups to join besides events published to all; none when <see langword="null"/>.</param>
    /// <param name="options">Heartbeats, reconnection time, flushing; the defaults when <see langword="null"/>.</param>
    /// <returns>A task that completes when the stream has ended.</returns>
    public static async Task WriteEventStreamAsync(this HttpResponse response, SseHub hub, IEnumerable<string>? groups = null, SseStreamOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(hub);
        response.PrepareEventStream();
        HttpContext context = response.HttpContext;
        SseStreamCompletion completion = await RunAsync(response, (hub, groups, options), static (r, s, t) => s.hub.StreamAsync(r.BodyWriter, r.HttpContext.Request.GetLastEventId(), s.groups, s.options, t)).ConfigureAwait(false);
        if (completion == SseStreamCompletion.SlowClient)
        {
            context.Abort();
        }
    }

    /// <summary>Runs a stream until the request is aborted or the application stops, so that shutdown ends streams cleanly.</summary>
    private static async Task<SseStreamCompletion> RunAsync<TState>(HttpResponse response, TState state, Func<HttpResponse, TState, CancellationToken, Task<SseStreamCompletion>> stream)
    {
        HttpContext context = response.HttpContext;
        IHostApplicationLifetime? lifetime = context.RequestServices?.GetService(typeof(IHostApplicationLifetime)) as IHostApplicationLifetime;
        if (lifetime is null)
        {
            return await stream(response, state, context.RequestAborted).ConfigureAwait(false);
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        return await stream(response, state, linked.Token).ConfigureAwait(false);
    }
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using SseCodec.Server;
using StackExchange.Redis;

namespace SseCodec.Redis.Tests.Infrastructure;

/// <summary>
/// One server node: a Kestrel host on 127.0.0.1 whose hub is registered the one-line way
/// (<c>AddSseHub().AddRedisBackplane(...)</c>), with its own Redis connections, serving <c>/events</c> through
/// <see cref="SseHub.StreamAsync(System.IO.Pipelines.PipeWriter, string?, IEnumerable{string}?, SseStreamOptions?, CancellationToken)"/>
/// (what SseCodec.AspNetCore's Subscribe does); the query's <c>group</c> values are the groups a connection joins.
/// </summary>
internal sealed class Node : IAsyncDisposable
{
    private readonly LoopbackKestrel _host;

    private Node(LoopbackKestrel host, SseHub hub)
    {
        _host = host;
        Hub = hub;
    }

    public SseHub Hub { get; }

    public HttpClient Client => _host.Client;

    public SseRedisBackplane Backplane => (SseRedisBackplane)Hub.Backplane!;

    public static async Task<Node> StartAsync(RedisServer redis, string prefix, string stream = "events", Action<SseRedisBackplaneOptions>? configure = null)
    {
        SseHub? hub = null;
        LoopbackKestrel host = await LoopbackKestrel.StartAsync(
            app =>
            {
                hub = app.Services.GetRequiredService<SseHub>();
                app.MapGet("/events", (HttpContext context, SseHub h) => ServeAsync(context, h));
            },
            services => services
                .AddSseHub(o => o.Name = stream)
                .AddRedisBackplane(redis.Configuration, o =>
                {
                    o.KeyPrefix = prefix;
                    configure?.Invoke(o);
                }));
        return new Node(host, hub!);
    }

    private static async Task ServeAsync(HttpContext context, SseHub hub)
    {
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        string? lastEventId = context.Request.Headers.TryGetValue("Last-Event-ID", out var values) ? values[0] : null;
        string[] groups = [.. context.Request.Query["group"].Where(g => g is not null).Select(g => g!)];
        SseStreamCompletion completion = await hub.StreamAsync(context.Response.BodyWriter, lastEventId, groups, cancellationToken: context.RequestAborted);
        if (completion == SseStreamCompletion.SlowClient)
        {
            context.Abort();
        }
    }

    /// <summary>Completes when the node's connection for appends is up again after Redis came back.</summary>
    public async Task WhenPublisherConnectedAsync()
    {
        ConnectionMultiplexer connection = await Backplane.Connection;
        var restored = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnRestored(object? sender, ConnectionFailedEventArgs e) => restored.TrySetResult();
        connection.ConnectionRestored += OnRestored;
        try
        {
            if (connection.IsConnected)
            {
                restored.TrySetResult();
            }

            await Eventually.Within(restored.Task, "the publishing connection to come back");
        }
        finally
        {
            connection.ConnectionRestored -= OnRestored;
        }
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}

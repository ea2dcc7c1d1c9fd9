using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using SseCodec.AspNetCore;
using SseCodec.AspNetCore.Tests.Infrastructure;
using SseCodec.Server;
using StackExchange.Redis;

namespace SseCodec.Redis.Tests.Infrastructure;

/// <summary>
/// One server node: a Kestrel host on 127.0.0.1 whose hub is registered the one-line way
/// (<c>AddSseHub().AddRedisBackplane(...)</c>), with its own Redis connections, serving <c>/events</c>; the query's
/// <c>group</c> values are the groups a connection joins.
/// </summary>
internal sealed class Node : IAsyncDisposable
{
    private readonly KestrelHost _host;

    private Node(KestrelHost host, SseHub hub)
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
        KestrelHost host = await KestrelHost.StartAsync(
            app =>
            {
                hub = app.Services.GetRequiredService<SseHub>();
                app.MapGet("/events", (HttpContext context, SseHub h) => SseResults.Subscribe(h, context.Request.Query["group"].Where(g => g is not null).Select(g => g!).ToArray()));
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

            await restored.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            connection.ConnectionRestored -= OnRestored;
        }
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}

using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SseCodec.Client.Tests.Infrastructure;

/// <summary>What the server saw of one request.</summary>
internal sealed record RecordedRequest(
    int Index,
    string Method,
    string Path,
    string Protocol,
    string? Accept,
    string? CacheControl,
    string? LastEventId,
    bool HasLastEventId,
    string? ContentType,
    string Body,
    IReadOnlyDictionary<string, string> Headers);

/// <summary>
/// A real Kestrel server on 127.0.0.1 with a port of its own, scripted per test: the handler gets each request with
/// its index (0 for the first) and writes whatever the test needs, byte by byte if it likes.
/// </summary>
internal sealed class SseTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly ConcurrentQueue<Task> _aborted = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<RecordedRequest>> _arrivals = new();
    private int _count;

    private SseTestServer(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public Uri Events => new(BaseAddress, "/events");

    public IReadOnlyList<RecordedRequest> Requests => _requests.OrderBy(r => r.Index).ToList();

    public int RequestCount => Volatile.Read(ref _count);

    /// <summary>Completes when the connection of every request so far has been aborted or finished on the server.</summary>
    public Task AllConnectionsEnded => Task.WhenAll(_aborted);

    public static async Task<SseTestServer> StartAsync(Func<HttpContext, int, Task> handler, HttpProtocols protocols = HttpProtocols.Http1, X509Certificate2? certificate = null)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0, l =>
        {
            l.Protocols = protocols;
            if (certificate is not null)
            {
                l.UseHttps(certificate);
            }
        }));
        WebApplication app = builder.Build();
        var server = new SseTestServer(app);
        app.Run(async context =>
        {
            int index = Interlocked.Increment(ref server._count) - 1;
            var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            server._aborted.Enqueue(ended.Task);
            context.RequestAborted.Register(() => ended.TrySetResult());
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            string body = await reader.ReadToEndAsync();
            var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            var recorded = new RecordedRequest(
                index,
                context.Request.Method,
                context.Request.Path,
                context.Request.Protocol,
                headers.GetValueOrDefault("Accept"),
                headers.GetValueOrDefault("Cache-Control"),
                headers.GetValueOrDefault("Last-Event-ID"),
                headers.ContainsKey("Last-Event-ID"),
                headers.GetValueOrDefault("Content-Type"),
                body,
                headers);
            server._requests.Enqueue(recorded);
            server.Arrival(index).TrySetResult(recorded);
            try
            {
                await handler(context, index);
            }
            catch (OperationCanceledException)
            {
                // The client went away.
            }
            catch (IOException)
            {
                // The client went away.
            }
            finally
            {
                ended.TrySetResult();
            }
        });
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseAddress = new Uri(address);
        return server;
    }

    /// <summary>Completes when request number <paramref name="index"/> (0 for the first) has arrived and been read.</summary>
    public Task<RecordedRequest> WaitForRequestAsync(int index) => Eventually.Within(Arrival(index).Task, $"request {index}");

    private TaskCompletionSource<RecordedRequest> Arrival(int index) =>
        _arrivals.GetOrAdd(index, static _ => new TaskCompletionSource<RecordedRequest>(TaskCreationOptions.RunContinuationsAsynchronously));

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }
}

/// <summary>Helpers for scripts.</summary>
internal static class Sse
{
    public static async Task StartAsync(HttpContext context, string contentType = "text/event-stream")
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = contentType;
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    public static async Task WriteAsync(HttpContext context, string text)
    {
        await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    public static async Task StreamAsync(HttpContext context, string text)
    {
        await StartAsync(context);
        await WriteAsync(context, text);
    }

    /// <summary>Keeps the response open until the client goes away.</summary>
    public static async Task HoldAsync(HttpContext context)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public static Task NoContent(HttpContext context)
    {
        context.Response.StatusCode = 204;
        return Task.CompletedTask;
    }

    /// <summary>A loopback URL with nothing listening: the port was free a moment ago and is closed now.</summary>
    public static Uri ClosedPortUrl()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}/events");
    }
}

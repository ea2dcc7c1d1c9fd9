using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SseCodec.AspNetCore;
using SseCodec.Server;

namespace SseCodec.Cli;

/// <summary>
/// The Kestrel server behind <c>sse serve</c> and <c>sse demo</c>: a hub at <c>/events</c>, a page at <c>/</c>. The
/// hub may change between requests (the demo gives each of its passes a fresh one); disposing ends the current one's streams.
/// </summary>
internal sealed class DemoServer : IAsyncDisposable
{
    private const string Page = """
        <!doctype html>
        <html><head><meta charset="utf-8"><title>sse serve</title></head>
        <body style="font-family: monospace">
        <h1>sse serve</h1>
        <p>EventSource('/events'): <span id="state">connecting</span></p>
        <ol id="log" reversed></ol>
        <script>
          const log = document.getElementById('log'), state = document.getElementById('state');
          const source = new EventSource('/events');
          source.onopen = () => state.textContent = 'open';
          source.onerror = () => state.textContent = 'reconnecting';
          source.onmessage = e => {
            const li = document.createElement('li');
            li.textContent = `id=${e.lastEventId} ${e.data}`;
            log.prepend(li);
            while (log.children.length > 50) log.lastChild.remove();
          };
        </script>
        </body></html>
        """;

    private readonly WebApplication _app;
    private readonly Func<SseHub> _hub;

    private DemoServer(WebApplication app, Func<SseHub> hub, IReadOnlyList<string> addresses)
    {
        _app = app;
        _hub = hub;
        Addresses = addresses;
    }

    /// <summary>The hub that new requests to <c>/events</c> subscribe to.</summary>
    public SseHub Hub => _hub();

    public IReadOnlyList<string> Addresses { get; }

    public static Task<DemoServer> StartAsync(string? urls, SseHub hub, SseStreamOptions options, CancellationToken cancellationToken) =>
        StartAsync(urls, () => hub, options, cancellationToken);

    /// <summary>Starts the server; each request to <c>/events</c> subscribes to the hub <paramref name="hub"/> returns then.</summary>
    public static async Task<DemoServer> StartAsync(string? urls, Func<SseHub> hub, SseStreamOptions options, CancellationToken cancellationToken)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();

        // The command, not the host, owns SIGINT and SIGTERM (Program registers them): it stops the server in order,
        // streams first, and decides the exit code. The host's console lifetime would take the signals for itself.
        builder.Services.AddSingleton<IHostLifetime, CommandLifetime>();
        if (urls is null)
        {
            builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        }
        else
        {
            builder.WebHost.UseUrls(urls);
        }

        WebApplication app = builder.Build();
        app.MapGet("/", (RequestDelegate)(c =>
        {
            c.Response.ContentType = "text/html; charset=utf-8";
            return c.Response.WriteAsync(Page, c.RequestAborted);
        }));
        app.MapGet("/events", (RequestDelegate)(c => c.Response.WriteEventStreamAsync(hub(), null, options)));
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (Exception e) when (e is IOException or SocketException or FormatException or InvalidOperationException or UnauthorizedAccessException)
        {
            // A port in use, an address not on this machine, a malformed URL, https without a certificate.
            await app.DisposeAsync();
            throw new UsageException($"cannot listen on '{urls ?? "http://127.0.0.1:0"}': {e.Message}", suggestHelp: e is FormatException);
        }

        ICollection<string> addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        return new DemoServer(app, hub, [.. addresses]);
    }

    /// <summary>Ends every open stream (the hub completes them), then stops Kestrel, waiting up to 5 s for requests to finish.</summary>
    public async ValueTask DisposeAsync()
    {
        await Hub.DisposeAsync();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }

    /// <summary>A host lifetime that leaves process signals alone: starting and stopping are the command's.</summary>
    private sealed class CommandLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

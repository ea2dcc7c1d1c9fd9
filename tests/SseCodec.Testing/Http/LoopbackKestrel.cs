using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SseCodec.Testing;

/// <summary>
/// A real Kestrel server on 127.0.0.1 and a port the OS picks, with the endpoints the test maps: the one web host of
/// the suites (<see cref="ScriptedServer"/> runs on it too).
/// </summary>
public sealed class LoopbackKestrel : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackKestrel(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
        Client = new HttpClient { BaseAddress = address, Timeout = Eventually.HangGuard };
    }

    /// <summary>The server's base address, <c>http://127.0.0.1:port/</c> (https with a certificate).</summary>
    public Uri Address { get; }

    /// <summary>A client with <see cref="Address"/> as its base address.</summary>
    public HttpClient Client { get; }

    /// <summary>Starts the server with what <paramref name="map"/> maps.</summary>
    /// <param name="map">Maps the endpoints (or middleware) the test needs.</param>
    /// <param name="services">Adds services, such as response compression; optional.</param>
    /// <param name="protocols">The HTTP versions the endpoint speaks (HTTP/2 without TLS means prior knowledge).</param>
    /// <param name="certificate">Serves https with this certificate; plain http when null.</param>
    public static async Task<LoopbackKestrel> StartAsync(
        Action<WebApplication> map,
        Action<IServiceCollection>? services = null,
        HttpProtocols protocols = HttpProtocols.Http1,
        X509Certificate2? certificate = null)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen =>
        {
            listen.Protocols = protocols;
            if (certificate is not null)
            {
                listen.UseHttps(certificate);
            }
        }));
        services?.Invoke(builder.Services);
        WebApplication app = builder.Build();
        map(app);
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new LoopbackKestrel(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();

        // A graceful stop waits this long for open responses (event streams never end by themselves), then aborts them.
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }
}

using Microsoft.Extensions.DependencyInjection;

namespace SseCodec.Client.Http.Tests;

/// <summary>The thin IHttpClientFactory registration.</summary>
public sealed class DependencyInjectionTests
{
    private sealed class StampHandler : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Add("X-Stamp", "from-handler");
            return base.SendAsync(request, cancellationToken);
        }
    }

    [Fact]
    public async Task A_named_client_with_a_base_address_and_a_handler_makes_working_sse_clients()
    {
        await using var server = await ScriptedServer.StartAsync((context, index) => index switch
        {
            0 => Sse.StreamAsync(context, "data: di\n\n"),
            _ => Sse.NoContent(context),
        });
        var services = new ServiceCollection();
        services.AddSseClient("events", c => c.BaseAddress = server.BaseAddress).AddHttpMessageHandler(() => new StampHandler());
        using ServiceProvider provider = services.BuildServiceProvider();

        using SseClient client = provider.GetRequiredService<ISseClientFactory>()
            .CreateClient("events", new Uri("/events", UriKind.Relative), new SseClientOptions { ReconnectionTime = TimeSpan.Zero });

        Assert.Equal([new("message", "di", "")], await Received.AllAsync(client));
        Assert.All(server.Requests, r => Assert.Equal("from-handler", r.Headers["X-Stamp"]));
    }
}

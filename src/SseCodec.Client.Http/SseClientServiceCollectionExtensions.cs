using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace SseCodec.Client;

/// <summary>Registers event stream clients with dependency injection.</summary>
public static class SseClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers a named <see cref="HttpClient"/> for event streams and the <see cref="ISseClientFactory"/> that makes
    /// <see cref="SseClient"/> instances over it. The client's timeout is infinite: a stream is meant to stay open, and
    /// <see cref="SseClientOptions.ReadTimeout"/> bounds silence instead.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="name">The name to create clients by.</param>
    /// <param name="configureClient">Sets the base address, default headers and so on; optional.</param>
    /// <returns>The builder, to add handlers (authentication, logging) or configure the primary handler.</returns>
    public static IHttpClientBuilder AddSseClient(this IServiceCollection services, string name, Action<HttpClient>? configureClient = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(name);
        services.TryAddSingleton<ISseClientFactory, SseClientFactory>();
        return services.AddHttpClient(name, client =>
        {
            client.Timeout = Timeout.InfiniteTimeSpan;
            configureClient?.Invoke(client);
        });
    }
}

using System.Text;
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
    /// <remarks>
    /// The primary handler is a <c>SocketsHttpHandler</c> that writes <c>Last-Event-ID</c> as UTF-8, so that
    /// every <see cref="SseClientOptions.LastEventIdEncoding"/> works, <see cref="SseLastEventIdEncoding.Utf8"/> (the
    /// default) included. A primary handler configured after this one replaces it: with one that cannot write UTF-8
    /// headers, choose <see cref="SseLastEventIdEncoding.PercentEncoded"/> or <see cref="SseLastEventIdEncoding.AsciiOnly"/>.
    /// </remarks>
    /// <param name="services">The service collection.</param>
    /// <param name="name">The name to create clients by.</param>
    /// <param name="configureClient">Sets the base address, default headers and so on; optional.</param>
    /// <returns>The builder, to add handlers (authentication, logging) or configure the primary handler.</returns>
    public static IHttpClientBuilder AddSseClient(this IServiceCollection services, string name, Action<HttpClient>? configureClient = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(name);
        services.TryAddSingleton<ISseClientFactory, SseClientFactory>();
        IHttpClientBuilder builder = services.AddHttpClient(name, client =>
        {
            client.Timeout = Timeout.InfiniteTimeSpan;
            configureClient?.Invoke(client);
        });
#if NET
        return builder.UseSocketsHttpHandler(static (handler, _) =>
            // Spec: the last event ID string is "encoded as UTF-8" in the Last-Event-ID header.
            handler.RequestHeaderEncodingSelector = static (header, _) =>
                string.Equals(header, "Last-Event-ID", StringComparison.OrdinalIgnoreCase) ? Encoding.UTF8 : null);
#else
        // netstandard2.0 has no SocketsHttpHandler: the factory's default handler, and SseClientOptions.LastEventIdEncoding
        // decides how a non-ASCII ID goes (see SseClient's remarks on the netstandard2.0 build).
        return builder;
#endif
    }
}

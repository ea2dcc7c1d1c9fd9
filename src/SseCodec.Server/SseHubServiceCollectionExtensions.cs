using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SseCodec.Server;

/// <summary>Registers an <see cref="SseHub"/> with dependency injection.</summary>
public static class SseHubServiceCollectionExtensions
{
    /// <summary>
    /// Registers one <see cref="SseHub"/> as a singleton, made when first resolved and disposed with the container. Its
    /// logger comes from the container's <see cref="ILoggerFactory"/>, when there is one. An endpoint takes the hub as
    /// a parameter: <c>app.MapGet("/events", (SseHub hub) =&gt; SseResults.Subscribe(hub))</c>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the hub's options (history, queue, policies); optional.</param>
    /// <returns>A builder that packages extend, for instance <c>AddRedisBackplane</c> from <c>SseCodec.Redis</c>.</returns>
    public static SseHubBuilder AddSseHub(this IServiceCollection services, Action<SseHubOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = new SseHubBuilder(services);
        builder.Configure(static (provider, options) =>
        {
            if (provider.GetService(typeof(ILoggerFactory)) is ILoggerFactory loggers)
            {
                options.Logger = loggers.CreateLogger(typeof(SseHub).FullName!);
            }
        });
        if (configure is not null)
        {
            builder.Configure((_, options) => configure(options));
        }

        services.AddSingleton(builder.Build);
        return builder;
    }
}

using Microsoft.Extensions.Logging;
using SseCodec.Server;
using StackExchange.Redis;

namespace SseCodec.Redis;

/// <summary>Adds a Redis backplane and history to a hub registered with <c>AddSseHub</c>.</summary>
public static class SseRedisHubBuilderExtensions
{
    /// <summary>
    /// Makes the registered hub one node of a stream shared through Redis: an <see cref="SseRedisBackplane"/> named after
    /// the hub (<see cref="SseHubOptions.Name"/>) becomes its backplane and its history. One line per node:
    /// <c>services.AddSseHub().AddRedisBackplane("127.0.0.1:6379")</c>.
    /// </summary>
    /// <param name="builder">The hub's builder.</param>
    /// <param name="configuration">A StackExchange.Redis configuration string, such as <c>127.0.0.1:6379</c>.</param>
    /// <param name="configure">Sets the stream's options (key prefix, name, trimming, bounds); optional.</param>
    /// <returns>The builder.</returns>
    public static SseHubBuilder AddRedisBackplane(this SseHubBuilder builder, string configuration, Action<SseRedisBackplaneOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return builder.AddRedisBackplane(ConfigurationOptions.Parse(configuration), configure);
    }

    /// <inheritdoc cref="AddRedisBackplane(SseHubBuilder, string, Action{SseRedisBackplaneOptions}?)"/>
    /// <param name="builder">The hub's builder.</param>
    /// <param name="configuration">How to reach Redis.</param>
    /// <param name="configure">Sets the stream's options; optional.</param>
    public static SseHubBuilder AddRedisBackplane(this SseHubBuilder builder, ConfigurationOptions configuration, Action<SseRedisBackplaneOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        return builder.Configure((services, hubOptions) =>
        {
            var options = new SseRedisBackplaneOptions { Configuration = configuration, StreamName = hubOptions.Name };
            if (services.GetService(typeof(ILoggerFactory)) is ILoggerFactory loggers)
            {
                options.Logger = loggers.CreateLogger(typeof(SseRedisBackplane).FullName!);
            }

            configure?.Invoke(options);
            var stream = new SseRedisBackplane(options);
            hubOptions.Backplane = stream;
            hubOptions.History = stream;
        });
    }
}

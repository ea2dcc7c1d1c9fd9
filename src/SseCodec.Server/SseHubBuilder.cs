using Microsoft.Extensions.DependencyInjection;

namespace SseCodec.Server;

/// <summary>
/// The hub <see cref="SseHubServiceCollectionExtensions.AddSseHub"/> registered: packages add to it (a backplane, a
/// history) with extension methods, each a step that sets the hub's options when the hub is first resolved.
/// </summary>
public sealed class SseHubBuilder
{
    private readonly List<Action<IServiceProvider, SseHubOptions>> _steps = [];

    internal SseHubBuilder(IServiceCollection services) => Services = services;

    /// <summary>The service collection the hub is registered in.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Adds a step that sets the hub's options, run after the earlier ones when the hub is created.</summary>
    /// <param name="configure">Sets options; it may resolve services.</param>
    /// <returns>This builder.</returns>
    public SseHubBuilder Configure(Action<IServiceProvider, SseHubOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        _steps.Add(configure);
        return this;
    }

    internal SseHub Build(IServiceProvider services)
    {
        var options = new SseHubOptions();
        foreach (Action<IServiceProvider, SseHubOptions> step in _steps)
        {
            step(services, options);
        }

        return new SseHub(options);
    }
}

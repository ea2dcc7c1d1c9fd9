namespace SseCodec.Redis.Tests.Infrastructure;

/// <summary>One redis-server for a test class; each test keeps to keys of its own (<see cref="NewPrefix"/>).</summary>
public sealed class RedisFixture : IAsyncLifetime
{
    private RedisServer? _server;

    internal RedisServer Server => _server!;

    /// <summary>A key prefix no other test uses, so tests on one server stay apart as tenants would.</summary>
    public static string NewPrefix() => $"test-{Guid.NewGuid():N}:";

    public async Task InitializeAsync() => _server = await RedisServer.StartAsync();

    public async Task DisposeAsync() => await _server!.DisposeAsync();
}

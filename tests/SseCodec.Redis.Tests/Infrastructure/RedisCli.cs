using System.Globalization;
using StackExchange.Redis;

namespace SseCodec.Redis.Tests.Infrastructure;

/// <summary>What a test does to Redis behind the nodes' backs, on a connection of its own.</summary>
internal static class RedisCli
{
    public static async Task<ConnectionMultiplexer> ConnectAsync(RedisServer server) =>
        await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions { EndPoints = { server.Configuration }, AllowAdmin = true });

    /// <summary>
    /// Kills every client connection whose last command was a read (the nodes' readers), or only those named
    /// <paramref name="clientName"/>; returns how many.
    /// </summary>
    public static async Task<int> KillBlockedReadersAsync(RedisServer server, string? clientName = null)
    {
        await using ConnectionMultiplexer connection = await ConnectAsync(server);
        IDatabase database = connection.GetDatabase();
        string list = (string)(await database.ExecuteAsync("CLIENT", "LIST"))!;
        int killed = 0;
        foreach (string line in list.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Contains("cmd=xread", StringComparison.Ordinal) && (clientName is null || line.Split(' ').Contains("name=" + clientName)))
            {
                string id = line.Split(' ').First(f => f.StartsWith("id=", StringComparison.Ordinal))[3..];
                killed += (int)(long)(await database.ExecuteAsync("CLIENT", "KILL", "ID", long.Parse(id, CultureInfo.InvariantCulture)));
            }
        }

        return killed;
    }
}

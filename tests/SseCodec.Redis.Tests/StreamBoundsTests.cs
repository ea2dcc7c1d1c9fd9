using SseCodec.Redis.Tests.Infrastructure;
using SseCodec.Server;
using StackExchange.Redis;

namespace SseCodec.Redis.Tests;

/// <summary>Trimming, tenants and groups kept apart, and entries another writer put in the stream.</summary>
public sealed class StreamBoundsTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    [Fact]
    public async Task Trimming_keeps_its_bounds_and_a_trimmed_id_is_answered_as_unknown()
    {
        string prefix = RedisFixture.NewPrefix();
        await using Node a = await Node.StartAsync(redis.Server, prefix, configure: o => o.MaxLength = 50);
        for (int i = 1; i <= 500; i++)
        {
            await a.Hub.PublishAsync($"e{i}");
        }

        // MAXLEN ~ trims whole nodes of the stream's tree (stream-node-max-entries, 100 by default): never below the
        // bound, and never more than one node above it.
        await using ConnectionMultiplexer connection = await RedisCli.ConnectAsync(redis.Server);
        long length = await connection.GetDatabase().StreamLengthAsync(a.Backplane.Key);
        Assert.InRange(length, 50, 150);

        using (EventStream trimmed = await EventStream.OpenAsync(a, lastEventId: "3"))
        {
            Received unknown = (await trimmed.ReadAsync(1))[0];
            Assert.Equal(SseHubOptions.DefaultUnknownLastEventIdEventType, unknown.Type);
            await a.Hub.PublishAsync("live");
            Assert.Equal("501:live", (await trimmed.ReadAsync(1)).Select(e => $"{e.Id}:{e.Data}").Single());
        }

        using EventStream kept = await EventStream.OpenAsync(a, lastEventId: "499");
        Assert.Equal(["500:e500", "501:live"], (await kept.ReadAsync(2)).Select(e => $"{e.Id}:{e.Data}"));
    }

    [Fact]
    public async Task A_replay_never_crosses_streams_prefixes_or_groups()
    {
        string prefix = RedisFixture.NewPrefix();
        await using Node tenantA = await Node.StartAsync(redis.Server, prefix, stream: "tenant-a");
        await using Node tenantB = await Node.StartAsync(redis.Server, prefix, stream: "tenant-b");
        await using Node otherPrefix = await Node.StartAsync(redis.Server, RedisFixture.NewPrefix(), stream: "tenant-b");
        for (int i = 1; i <= 5; i++)
        {
            await tenantA.Hub.PublishAsync($"a{i}");
        }

        await tenantB.Hub.PublishAsync("b1", group: "x");
        await tenantB.Hub.PublishAsync("b2", group: "y");
        await tenantB.Hub.PublishAsync("b3");
        await tenantB.Hub.PublishAsync("b4", group: "x");
        Assert.Equal(0, otherPrefix.Hub.LastSequence);

        // Tenant B's stream after its own 1, in group x: its own events of x and of all, none of y, none of tenant A.
        using (EventStream x = await EventStream.OpenAsync(tenantB, lastEventId: "1", query: "?group=x"))
        {
            Assert.Equal(["3:b3", "4:b4"], (await x.ReadAsync(2)).Select(e => $"{e.Id}:{e.Data}"));
        }

        // An ID of group y's event is unknown to a connection of group x, and so is an ID only tenant A has.
        foreach (string id in new[] { "2", "5" })
        {
            using EventStream probe = await EventStream.OpenAsync(tenantB, lastEventId: id, query: "?group=x");
            Assert.Equal(SseHubOptions.DefaultUnknownLastEventIdEventType, (await probe.ReadAsync(1))[0].Type);
        }

        // The same name under another prefix is another stream: empty, so every ID is unknown there.
        using EventStream elsewhere = await EventStream.OpenAsync(otherPrefix, lastEventId: "1");
        Assert.Equal(SseHubOptions.DefaultUnknownLastEventIdEventType, (await elsewhere.ReadAsync(1))[0].Type);
    }

    [Fact]
    public async Task A_malformed_entry_is_reported_and_passed_over_live_and_in_replay()
    {
        string prefix = RedisFixture.NewPrefix();
        await using Node a = await Node.StartAsync(redis.Server, prefix, configure: o => o.MaxEventBytes = 1024);
        using var malformed = new CounterWatch(SseRedisMetrics.MeterName, "ssecodec.redis.entries.malformed", "stream", a.Backplane.Key);
        using EventStream live = await EventStream.OpenAsync(a);
        await a.Hub.WaitForConnectionsAsync(1);
        await a.Hub.PublishAsync("first");

        // Entries no node wrote: no data field, an event with no blank line (it would run into the next one), one
        // over MaxEventBytes. Each takes a number of the stream's sequence.
        await using ConnectionMultiplexer connection = await RedisCli.ConnectAsync(redis.Server);
        IDatabase database = connection.GetDatabase();
        await database.StreamAddAsync(a.Backplane.Key, "x", "y", "0-*");
        await database.StreamAddAsync(a.Backplane.Key, "d", "data: runs on\n", "0-*");
        await database.StreamAddAsync(a.Backplane.Key, "d", "data: " + new string('z', 2000) + "\n\n", "0-*");
        Assert.Equal(5, await a.Hub.PublishAsync("after"));

        Assert.Equal(["1:first", "5:after"], (await live.ReadAsync(2)).Select(e => $"{e.Id}:{e.Data}"));
        Assert.Equal(3, malformed.Value);

        using EventStream replay = await EventStream.OpenAsync(a, lastEventId: "1");
        await a.Hub.PublishAsync("live");
        Assert.Equal(["5:after", "6:live"], (await replay.ReadAsync(2)).Select(e => $"{e.Id}:{e.Data}"));
    }

    [Fact]
    public async Task Limits_and_misuse_are_refused_with_errors_that_name_them()
    {
        var configuration = ConfigurationOptions.Parse(redis.Server.Configuration);
        ArgumentException bound = Assert.ThrowsAny<ArgumentException>(() => new SseRedisBackplane(new SseRedisBackplaneOptions { Configuration = configuration, MaxLength = 0 }));
        Assert.Contains("SseRedisBackplaneOptions.MaxLength", bound.Message, StringComparison.Ordinal);
        Assert.Contains("Configuration", Assert.ThrowsAny<ArgumentException>(() => new SseRedisBackplane(new SseRedisBackplaneOptions())).Message, StringComparison.Ordinal);

        var backplane = new SseRedisBackplane(new SseRedisBackplaneOptions { Configuration = configuration, KeyPrefix = RedisFixture.NewPrefix(), MaxEventBytes = 100 });
        Assert.Contains("SseHubOptions.History", Assert.Throws<ArgumentException>(() => new SseHub(new SseHubOptions { History = backplane })).Message, StringComparison.Ordinal);
        await using var hub = new SseHub(new SseHubOptions { Backplane = backplane, History = backplane });

        ArgumentException tooLarge = await Assert.ThrowsAsync<ArgumentException>(async () => await hub.PublishAsync(new string('z', 200)));
        Assert.Contains("MaxEventBytes (100)", tooLarge.Message, StringComparison.Ordinal);
        Assert.Contains("backplane", (await Assert.ThrowsAsync<ArgumentException>(async () => await hub.PublishAsync("a", id: "7"))).Message, StringComparison.Ordinal);
        Assert.Contains("PublishAsync", Assert.Throws<InvalidOperationException>(() => hub.Publish("a")).Message, StringComparison.Ordinal);
        Assert.Equal(1, await hub.PublishAsync("fits"));
    }
}

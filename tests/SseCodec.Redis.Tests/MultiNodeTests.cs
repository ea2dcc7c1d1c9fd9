using System.Globalization;
using SseCodec.Redis.Tests.Infrastructure;

namespace SseCodec.Redis.Tests;

/// <summary>Two or three nodes, each a Kestrel host with its own Redis connections, on one redis-server: one stream.</summary>
public sealed class MultiNodeTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    [Fact]
    public async Task A_client_on_node_A_receives_what_node_B_publishes_in_one_id_sequence()
    {
        string prefix = RedisFixture.NewPrefix();
        await using Node a = await Node.StartAsync(redis.Server, prefix);
        await using Node b = await Node.StartAsync(redis.Server, prefix);
        using EventStream onA = await EventStream.OpenAsync(a);
        using EventStream onB = await EventStream.OpenAsync(b);
        await a.Hub.WaitForConnectionsAsync(1);
        await b.Hub.WaitForConnectionsAsync(1);

        for (int i = 1; i <= 10; i++)
        {
            Node publisher = i % 3 == 0 ? a : b;
            Assert.Equal(i, await publisher.Hub.PublishAsync($"e{i}"));
        }

        string[] expected = [.. Enumerable.Range(1, 10).Select(i => $"{i}:e{i}")];
        Assert.Equal(expected, (await onA.ReadAsync(10)).Select(e => $"{e.Id}:{e.Data}"));
        Assert.Equal(expected, (await onB.ReadAsync(10)).Select(e => $"{e.Id}:{e.Data}"));
    }

    [Fact]
    public async Task A_client_cut_off_resumes_on_node_B_and_gets_every_event_once_in_order()
    {
        string prefix = RedisFixture.NewPrefix();
        await using Node a = await Node.StartAsync(redis.Server, prefix);
        await using Node b = await Node.StartAsync(redis.Server, prefix);
        await using Node c = await Node.StartAsync(redis.Server, prefix);
        Node[] publishers = [a, b, c];
        int published = 0;
        async Task PublishAsync(int count)
        {
            for (int i = 0; i < count; i++)
            {
                published++;
                await publishers[published % 3].Hub.PublishAsync($"e{published}");
            }
        }

        var received = new List<Received>();
        using (EventStream onA = await EventStream.OpenAsync(a))
        {
            await a.Hub.WaitForConnectionsAsync(1);
            await PublishAsync(30);
            received.AddRange(await onA.ReadAsync(20));
        }

        // Cut off after 20: what is published meanwhile, and what node A had queued but not sent, is owed.
        await a.Hub.WaitForConnectionsAsync(0);
        await PublishAsync(20);
        using (EventStream onB = await EventStream.OpenAsync(b, lastEventId: received[^1].Id))
        {
            await PublishAsync(10);
            received.AddRange(await onB.ReadThroughAsync("60"));
        }

        Assert.Equal(Enumerable.Range(1, 60).Select(i => $"{i}:e{i}"), received.Select(e => $"{e.Id}:{e.Data}"));
    }

    [Fact]
    public async Task A_node_whose_reader_connection_is_killed_resumes_after_its_last_delivered_entry()
    {
        string prefix = RedisFixture.NewPrefix();
        await using Node a = await Node.StartAsync(redis.Server, prefix);
        await using Node b = await Node.StartAsync(redis.Server, prefix);
        using EventStream onA = await EventStream.OpenAsync(a);
        await a.Hub.WaitForConnectionsAsync(1);
        for (int i = 1; i <= 10; i++)
        {
            await b.Hub.PublishAsync($"e{i}");
        }

        Assert.Equal("10", (await onA.ReadAsync(10))[^1].Id);

        // Every blocked reader's connection is dropped by Redis; publishing goes on meanwhile.
        Assert.True(await RedisCli.KillBlockedReadersAsync(redis.Server) >= 2);
        for (int i = 11; i <= 20; i++)
        {
            await b.Hub.PublishAsync($"e{i}");
        }

        Assert.Equal(Enumerable.Range(11, 10).Select(i => i.ToString(CultureInfo.InvariantCulture)), (await onA.ReadAsync(10)).Select(e => e.Id));
    }
}

using System.Globalization;
using SseCodec.Redis.Tests.Infrastructure;
using SseCodec.Server;
using StackExchange.Redis;

namespace SseCodec.Redis.Tests;

/// <summary>A node cut off from Redis while the stream is trimmed past the last event it delivered.</summary>
public sealed class TrimGapTests
{
    private const string Stream = "cut-off";

    [Fact]
    public async Task A_node_that_comes_back_after_a_trim_ends_its_streams_and_its_clients_resume_as_unknown()
    {
        // A server of its own: small stream nodes, so that MAXLEN ~ (which trims whole nodes) bites at a small bound.
        await using RedisServer server = await RedisServer.StartAsync();
        await using ConnectionMultiplexer admin = await RedisCli.ConnectAsync(server);
        IDatabase database = admin.GetDatabase();
        await database.ExecuteAsync("CONFIG", "SET", "stream-node-max-entries", "10");

        // Node B's reader retries on a clock the test moves, and its connections carry a name the test can kill by.
        string prefix = RedisFixture.NewPrefix();
        var clock = new WaitRecordingClock();
        await using Node a = await Node.StartAsync(server, prefix, Stream, o => o.MaxLength = 10);
        await using Node b = await Node.StartAsync(server, prefix, Stream, o =>
        {
            o.MaxLength = 10;
            o.TimeProvider = clock;
            o.Configuration!.ClientName = "node-b";
        });
        using var gaps = new CounterWatch(SseServerMetrics.MeterName, "ssecodec.server.backplane.gaps", "hub", Stream);
        using EventStream onB = await EventStream.OpenAsync(b);
        await b.Hub.WaitForConnectionsAsync(1);
        await a.Hub.PublishAsync("e1");
        Assert.Equal("1:e1", (await onB.ReadAsync(1)).Select(e => $"{e.Id}:{e.Data}").Single());

        // Cut off: B's reader fails and waits to retry on B's clock, which stands still while A publishes far past the bound.
        Assert.Equal(1, await RedisCli.KillBlockedReadersAsync(server, "node-b"));
        await Eventually.Within(clock.Waits.ReadAsync().AsTask(), "node B's reader to wait before it retries");
        for (int i = 2; i <= 200; i++)
        {
            await a.Hub.PublishAsync($"e{i}");
        }

        StreamEntry[] oldest = await database.StreamRangeAsync(a.Backplane.Key, "-", "+", 1);
        Assert.True(long.Parse(oldest[0].Id.ToString()[2..], CultureInfo.InvariantCulture) > 2, $"The stream was not trimmed past event 2: it starts at {oldest[0].Id}.");
        Assert.Equal(0, gaps.Value);

        // B comes back: each retry wait is ended as it begins (the connection may take more than one) until B reads the
        // stream and finds events 2 onwards gone.
        while (!gaps.First.IsCompleted)
        {
            clock.Advance(TimeSpan.FromSeconds(2));
            await Eventually.Within(Task.WhenAny(gaps.First, clock.Waits.ReadAsync().AsTask()), "node B to read the stream again or to wait once more");
        }

        // Its client's stream ends rather than skipping the lost events unseen, and the gap is counted once.
        await onB.AssertEndsAsync();
        Assert.Equal(1, gaps.Value);

        // Resuming on B with the old ID, the client is told the ID is unknown, then gets what is published next: never
        // the events after the gap as if they followed its own.
        using EventStream resumed = await EventStream.OpenAsync(b, lastEventId: "1");
        Assert.Equal(SseHubOptions.DefaultUnknownLastEventIdEventType, (await resumed.ReadAsync(1))[0].Type);
        Assert.Equal(201, await a.Hub.PublishAsync("live"));
        Assert.Equal("201:live", (await resumed.ReadAsync(1)).Select(e => $"{e.Id}:{e.Data}").Single());
    }
}

using System.IO.Pipelines;
using Microsoft.Extensions.Time.Testing;
using SseCodec.Redis.Tests.Infrastructure;
using SseCodec.Server;
using StackExchange.Redis;

namespace SseCodec.Redis.Tests;

/// <summary>Redis killed and restarted under the nodes: each test has a redis-server of its own.</summary>
public sealed class RedisOutageTests
{
    [Fact]
    public async Task Killing_and_restarting_redis_mid_stream_loses_nothing_acknowledged_and_duplicates_nothing()
    {
        await using RedisServer redis = await RedisServer.StartAsync(persistent: true);
        string prefix = RedisFixture.NewPrefix();
        await using Node a = await Node.StartAsync(redis, prefix);
        await using Node b = await Node.StartAsync(redis, prefix);
        using EventStream onA = await EventStream.OpenAsync(a);
        await a.Hub.WaitForConnectionsAsync(1);

        // B publishes without pause; Redis is killed once 100 events are acknowledged, while publishes are in flight, and
        // restarted once one failed.
        var acknowledged = new List<long>();
        int failures = 0;
        var hundred = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var failed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var restarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task publishing = Task.Run(async () =>
        {
            while (acknowledged.Count < 200)
            {
                if (acknowledged.Count == 100)
                {
                    hundred.TrySetResult();
                }

                try
                {
                    acknowledged.Add(await b.Hub.PublishAsync($"event {acknowledged.Count + failures}"));
                }
                catch (SseBackplaneException e)
                {
                    Assert.Contains(b.Backplane.Key, e.Message, StringComparison.Ordinal);
                    failures++;
                    failed.TrySetResult();
                    await restarted.Task;
                    await b.WhenPublisherConnectedAsync();
                }
            }
        });

        await hundred.Task.WaitAsync(Eventually.HangGuard);
        await redis.KillAsync();
        await failed.Task.WaitAsync(Eventually.HangGuard);
        await redis.RestartAsync();
        restarted.SetResult();
        await publishing.WaitAsync(Eventually.HangGuard);

        // The same connection, never dropped, gets every event the stream holds: each acknowledged one, and any whose
        // acknowledgement the kill cut off; once each, in order.
        long last = acknowledged[^1];
        List<long> received = [.. (await onA.ReadThroughAsync(last.ToString(System.Globalization.CultureInfo.InvariantCulture))).Select(e => long.Parse(e.Id, System.Globalization.CultureInfo.InvariantCulture))];
        Assert.Equal(Enumerable.Range(1, (int)last).Select(i => (long)i), received);
        Assert.Empty(acknowledged.Except(received));
        Assert.True(failures >= 1);
    }

    [Fact]
    public async Task While_redis_is_down_publishing_throws_and_connections_keep_their_heartbeats()
    {
        await using RedisServer redis = await RedisServer.StartAsync();
        var backplane = new SseRedisBackplane(new SseRedisBackplaneOptions { Configuration = ConfigurationOptions.Parse(redis.Configuration), KeyPrefix = RedisFixture.NewPrefix() });
        await using var hub = new SseHub(new SseHubOptions { Backplane = backplane, History = backplane });
        var clock = new FakeTimeProvider();
        var pipe = new Pipe();
        using var stop = new CancellationTokenSource();
        Task<SseStreamCompletion> streaming = hub.StreamAsync(pipe.Writer, options: new SseStreamOptions { HeartbeatInterval = TimeSpan.FromSeconds(15), TimeProvider = clock }, cancellationToken: stop.Token);
        await hub.WaitForConnectionsAsync(1);
        Assert.Equal(1, await hub.PublishAsync("before"));
        Assert.Contains("id: 1\ndata: before\n\n", await PipeText.ReadAtLeastAsync(pipe.Reader, "id: 1\ndata: before\n\n".Length), StringComparison.Ordinal);

        await redis.KillAsync();
        SseBackplaneException refused = await Assert.ThrowsAsync<SseBackplaneException>(async () => await hub.PublishAsync("while down"));
        Assert.Contains(backplane.Key, refused.Message, StringComparison.Ordinal);

        // The connection is still served: a heartbeat comment after the idle interval.
        clock.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal(":\n", await PipeText.ReadAtLeastAsync(pipe.Reader, 2));
        Assert.Equal(1, hub.ConnectionCount);
        Assert.False(streaming.IsCompleted);

        stop.Cancel();
        Assert.Equal(SseStreamCompletion.Canceled, await streaming);
    }
}

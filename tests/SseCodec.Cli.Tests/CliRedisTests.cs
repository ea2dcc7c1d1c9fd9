// The net10.0 suite only, like CliSignalTests: the processes are the net10.0 build of the tool whatever the runtime.
#if NET10_0

namespace SseCodec.Cli.Tests;

/// <summary>
/// Two <c>sse serve --stdin --redis</c> processes on one real redis-server are one stream: a line typed into either
/// reaches the clients of both with one id sequence, and a client resumes on the other node.
/// </summary>
public sealed class CliRedisTests
{
    private static readonly TimeSpan Patience = Eventually.HangGuard;

    [Fact]
    public async Task Two_serve_stdin_redis_nodes_are_one_stream_and_a_client_resumes_on_the_other()
    {
        using var timeout = new CancellationTokenSource(Patience);
        await using RedisServer redis = await RedisServer.StartAsync();
        string stream = $"cli-{Guid.NewGuid():N}";
        await using var a = CliSignalTests.SseProcess.Start("serve", "--urls", "http://127.0.0.1:0", "--stdin", "--redis", redis.Configuration, "--stream", stream);
        await using var b = CliSignalTests.SseProcess.Start("serve", "--urls", "http://127.0.0.1:0", "--stdin", "--redis", redis.Configuration, "--stream", stream);
        using HttpClient toA = await ClientForAsync(a, timeout.Token);
        using HttpClient toB = await ClientForAsync(b, timeout.Token);

        var (responseB, readerB) = await Clients.OpenAsync(toB, "/events", cancellationToken: timeout.Token);
        using (responseB)
        using (readerB)
        {
            var (responseA, readerA) = await Clients.OpenAsync(toA, "/events", cancellationToken: timeout.Token);
            using (responseA)
            using (readerA)
            {
                // Each line is awaited on both clients before the next is typed, so that the order is the typing order.
                foreach (var (node, line) in new[] { (a, "one"), (b, "two"), (a, "three") })
                {
                    await node.WriteLineAsync(line);
                    Assert.Equal(line, (await Clients.ReadAsync(readerA, 1, timeout.Token)).Single().Data);
                    Assert.Equal(line, (await Clients.ReadAsync(readerB, 1, timeout.Token)).Single().Data);
                }
            }

            // The client on A is gone after id 3; two more lines, one into each node, each awaited before the next
            // (two lines typed at once into two nodes are ordered by Redis, not by the typing).
            await b.WriteLineAsync("four");
            Assert.Equal("4:four", (await Clients.ReadAsync(readerB, 1, timeout.Token)).Select(e => $"{e.Id}:{e.Data}").Single());
            await a.WriteLineAsync("five");
            Assert.Equal("5:five", (await Clients.ReadAsync(readerB, 1, timeout.Token)).Select(e => $"{e.Id}:{e.Data}").Single());
        }

        // It resumes on B with its Last-Event-ID and gets exactly what it missed, then what follows.
        var (resumed, resumedReader) = await Clients.OpenAsync(toB, "/events", lastEventId: "3", cancellationToken: timeout.Token);
        using (resumed)
        using (resumedReader)
        {
            Assert.Equal(["4:four", "5:five"], (await Clients.ReadAsync(resumedReader, 2, timeout.Token)).Select(e => $"{e.Id}:{e.Data}"));
            await a.WriteLineAsync("six");
            Assert.Equal("6:six", (await Clients.ReadAsync(resumedReader, 1, timeout.Token)).Select(e => $"{e.Id}:{e.Data}").Single());
        }
    }

    private static async Task<HttpClient> ClientForAsync(CliSignalTests.SseProcess sse, CancellationToken cancellationToken)
    {
        string serving = await sse.Stderr.WaitForAsync(line => CliSignalTests.ServingLine().IsMatch(line), cancellationToken);
        Assert.Contains("shared through Redis", serving, StringComparison.Ordinal);
        return new HttpClient { BaseAddress = new Uri(CliSignalTests.ServingLine().Match(serving).Groups[1].Value) };
    }
}
#endif

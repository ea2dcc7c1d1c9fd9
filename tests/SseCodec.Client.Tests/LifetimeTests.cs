using SseCodec.Client.Tests.Infrastructure;
using SseCodec.Reference;

namespace SseCodec.Client.Tests;

/// <summary>Close, cancellation, Dispose and Restart: state, notifications, and nothing left behind.</summary>
public sealed class LifetimeTests
{
    private static SseClientOptions Fast(CountingArrayPool? pool = null) => new()
    {
        ReconnectionTime = TimeSpan.Zero,
        ParserOptions = new SseParserOptions { BufferPool = pool },
    };

    private static Task<ScriptedServer> HoldingServer() => ScriptedServer.StartAsync(async (context, index) =>
    {
        // Two lines of one event so the parser must copy into a pooled buffer, then silence.
        await Sse.StreamAsync(context, $"id: {index}\ndata: a\ndata: b\n\ndata: pending");
        await Sse.HoldAsync(context);
    });

    [Fact]
    public async Task Close_from_another_thread_ends_the_loop_aborts_the_response_and_returns_the_buffers()
    {
        var pool = new CountingArrayPool();
        await using var server = await HoldingServer();
        using var client = new SseClient(server.Events, Fast(pool));
        var lifecycle = new Lifecycle(client);

        var events = new List<Received>();
        await foreach (SseEvent e in client)
        {
            events.Add(Received.From(e));
            Assert.Equal(SseReadyState.Open, client.ReadyState);
            // From another thread, while the loop goes on to its next read (or has started it).
            _ = Task.Run(client.Close);
        }

        Assert.Equal([new("message", "a\nb", "0")], events);
        Assert.Equal(SseReadyState.Closed, client.ReadyState);
        Assert.Equal(["opened 200", "closed Closed"], lifecycle.Log);
        await Eventually.Within(server.AllConnectionsEnded, "the server to see the connection end");
        Assert.Equal(0, pool.Outstanding);
        Assert.True(pool.Rents > 0);
        Assert.Equal(1, server.RequestCount);
    }

    [Fact]
    public async Task Cancelling_the_token_shuts_down_with_nothing_left_behind()
    {
        var pool = new CountingArrayPool();
        await using var server = await HoldingServer();
        using var client = new SseClient(server.Events, Fast(pool));
        var lifecycle = new Lifecycle(client);
        using var cts = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (SseEvent e in client.ReadAllAsync(cts.Token))
            {
                // From another thread, while the loop goes on to its next read, which waits on the network.
                _ = Task.Run(cts.Cancel);
            }
        });

        Assert.Equal(SseReadyState.Closed, client.ReadyState);
        Assert.Equal(["opened 200", "closed Canceled"], lifecycle.Log);
        await Eventually.Within(server.AllConnectionsEnded, "the server to see the connection end");
        Assert.Equal(0, pool.Outstanding);
    }

    [Fact]
    public async Task Breaking_out_of_the_loop_closes_the_client()
    {
        var pool = new CountingArrayPool();
        await using var server = await HoldingServer();
        using var client = new SseClient(server.Events, Fast(pool));

        await foreach (SseEvent e in client)
        {
            break;
        }

        Assert.Equal(SseReadyState.Closed, client.ReadyState);
        await Eventually.Within(server.AllConnectionsEnded, "the server to see the connection end");
        Assert.Equal(0, pool.Outstanding);
    }

    [Fact]
    public async Task Dispose_between_reads_aborts_the_connection_and_later_reads_throw()
    {
        var pool = new CountingArrayPool();
        await using var server = await HoldingServer();
        var client = new SseClient(server.Events, Fast(pool));

        Assert.True(await client.ReadAsync());
        client.Dispose();

        Assert.Equal(SseReadyState.Closed, client.ReadyState);
        await Eventually.Within(server.AllConnectionsEnded, "the server to see the connection end");
        Assert.Equal(0, pool.Outstanding);
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await client.ReadAsync());
    }

    [Fact]
    public async Task Restart_reconnects_at_once_with_the_last_event_id_and_reopens_a_closed_client()
    {
        var time = new TestClock();
        await using var server = await HoldingServer();
        var options = Fast();
        options.TimeProvider = time;
        options.ReconnectionTime = TimeSpan.FromHours(1);
        using var client = new SseClient(server.Events, options);

        Assert.True(await client.ReadAsync());
        Assert.Equal("0", client.Current.LastEventId);
        client.Restart();
        Assert.True(await client.ReadAsync());
        Assert.Equal("1", client.Current.LastEventId);
        Assert.Equal("0", server.Requests[1].LastEventId);

        client.Close();
        Assert.False(await client.ReadAsync());
        client.Restart();
        Assert.Equal(SseReadyState.Connecting, client.ReadyState);
        Assert.True(await client.ReadAsync());
        Assert.Equal("2", client.Current.LastEventId);
        Assert.Equal("1", server.Requests[2].LastEventId);
        Assert.Equal("1", client.LastEventId);
    }

    [Fact]
    public async Task Close_during_the_reconnection_wait_ends_the_read()
    {
        var time = new TestClock();
        await using var server = await ScriptedServer.StartAsync((context, index) => Sse.StreamAsync(context, "data: x\n\n"));
        using var client = new SseClient(server.Events, new SseClientOptions { TimeProvider = time });

        Task<List<Received>> reading = Received.AllAsync(client);
        await Eventually.Within(time.WaitArmedAsync(TimeSpan.FromSeconds(3)), "the reconnection wait");
        client.Close();

        Assert.Single(await Eventually.Within(reading, "the read to end"));
        Assert.Equal(1, server.RequestCount);
    }

    [Fact]
    public async Task Close_racing_reads_that_never_wait_leaves_nothing_behind()
    {
        // Every event is already buffered, so each read takes the fast path that ends without the gate: a Close from
        // another thread must still end the loop, and the connection must be released once, never under a read.
        byte[] body = System.Text.Encoding.UTF8.GetBytes("id: 1\ndata: a\ndata: b\n\n");
        for (int attempt = 0; attempt < 20; attempt++)
        {
            var pool = new CountingArrayPool();
            using var http = new HttpClient(new InMemoryEventStream(body, endless: true));
            using var client = new SseClient(http, InMemoryEventStream.Url, Fast(pool));
            int closed = 0;
            client.Closed += (_, _) => Interlocked.Increment(ref closed);
            long closeAfter = 1_000 + (attempt * 997);
            var goingOn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            long events = 0;

            Task reading = Task.Run(async () =>
            {
                while (await client.ReadAsync())
                {
                    try
                    {
                        Assert.Equal("a\nb", client.Current.GetDataString());
                    }
                    catch (InvalidOperationException) when (client.ReadyState == SseReadyState.Closed)
                    {
                        // Close overtook the caller between the read and this look at the event, which it invalidates.
                    }

                    if (++events == closeAfter)
                    {
                        goingOn.SetResult();
                    }
                }
            });
            await Eventually.Within(Task.WhenAny(goingOn.Task, reading), "the reader to get going");
            client.Close();
            await Eventually.Within(reading, "the loop to end");

            Assert.Equal(SseReadyState.Closed, client.ReadyState);
            Assert.Equal(1, closed);
            Assert.Equal(0, pool.Outstanding);
            Assert.True(pool.Rents > 0);
        }
    }

    [Fact]
    public async Task A_second_concurrent_read_is_refused()
    {
        await using var server = await HoldingServer();
        using var client = new SseClient(server.Events, Fast());
        Assert.True(await client.ReadAsync());

        ValueTask<bool> pending = client.ReadAsync();
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await client.ReadAsync());
        client.Close();
        Assert.False(await pending);
    }
}

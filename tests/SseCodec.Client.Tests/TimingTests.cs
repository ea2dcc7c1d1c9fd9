namespace SseCodec.Client.Tests;

/// <summary>Reconnection time, backoff and read timeout, on a manual clock: exact delays, no real waiting.</summary>
public sealed class TimingTests
{

    [Fact]
    public async Task Retry_sets_the_delay_before_the_next_reconnect()
    {
        var time = new TestClock();
        await using var server = await ScriptedServer.StartAsync((context, index) => index switch
        {
            0 => Sse.StreamAsync(context, "retry: 5000\ndata: x\n\n"),
            _ => Sse.NoContent(context),
        });
        using var client = new SseClient(server.Events, new SseClientOptions { TimeProvider = time });
        var lifecycle = new Lifecycle(client);

        Task<List<Received>> reading = Received.AllAsync(client);
        await Eventually.Within(time.WaitArmedAsync(TimeSpan.FromSeconds(5)), "the 5 s reconnection wait");
        time.Advance(TimeSpan.FromMilliseconds(4999));

        // The client can reconnect only when its wait fires, and the wait is still armed: 1 ms to go.
        Assert.Equal([TimeSpan.FromMilliseconds(1)], time.PendingDelays);
        Assert.Equal(1, server.RequestCount);
        Assert.Equal(SseReadyState.Connecting, client.ReadyState);

        time.Advance(TimeSpan.FromMilliseconds(1));
        await Eventually.Within(reading, "the stream to end");

        Assert.Equal(2, server.RequestCount);
        Assert.Equal([TimeSpan.FromSeconds(5)], lifecycle.Delays);
        Assert.Equal(TimeSpan.FromSeconds(5), client.ReconnectionTime);
    }

    [Fact]
    public async Task The_default_reconnection_time_is_three_seconds()
    {
        var time = new TestClock();
        await using var server = await ScriptedServer.StartAsync((context, index) => index switch
        {
            0 => Sse.StreamAsync(context, "data: x\n\n"),
            _ => Sse.NoContent(context),
        });
        using var client = new SseClient(server.Events, new SseClientOptions { TimeProvider = time });
        var lifecycle = new Lifecycle(client);

        Task<List<Received>> reading = Received.AllAsync(client);
        await Eventually.Within(time.WaitArmedAsync(TimeSpan.FromSeconds(3)), "the 3 s reconnection wait");
        time.Advance(TimeSpan.FromSeconds(3));
        await Eventually.Within(reading, "the stream to end");

        Assert.Equal([TimeSpan.FromSeconds(3)], lifecycle.Delays);
    }

    [Fact]
    public async Task Consecutive_failures_back_off_exponentially_up_to_the_cap_and_a_healthy_period_resets_it()
    {
        var time = new TestClock();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await ScriptedServer.StartAsync(async (context, index) =>
        {
            switch (index)
            {
                case < 4:
                    await Sse.StreamAsync(context, "retry: 1000\n\n");
                    break;
                case 4:
                    await Sse.StreamAsync(context, "data: healthy\n\n");
                    await release.Task;
                    break;
                default:
                    await Sse.NoContent(context);
                    break;
            }
        });
        var options = new SseClientOptions
        {
            TimeProvider = time,
            UseJitter = false,
            MaxBackoffDelay = TimeSpan.FromSeconds(5),
            BackoffResetPeriod = TimeSpan.FromSeconds(60),
        };
        using var client = new SseClient(server.Events, options);
        var lifecycle = new Lifecycle(client);
        var fifthOpened = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int opened = 0;
        client.Opened += (_, _) =>
        {
            if (++opened == 5)
            {
                fifthOpened.SetResult();
            }
        };

        Task<List<Received>> reading = Received.AllAsync(client);
        foreach (int seconds in new[] { 1, 2, 4, 5 })
        {
            TimeSpan delay = TimeSpan.FromSeconds(seconds);
            await Eventually.Within(time.WaitArmedAsync(delay), $"a {seconds} s wait");
            time.Advance(delay);
        }

        await Eventually.Within(fifthOpened.Task, "the healthy connection to open");
        time.Advance(TimeSpan.FromSeconds(60));
        release.SetResult();
        await Eventually.Within(time.WaitArmedAsync(TimeSpan.FromSeconds(1)), "the plain 1 s wait after a healthy connection");
        time.Advance(TimeSpan.FromSeconds(1));
        await Eventually.Within(reading, "the stream to end");

        Assert.Equal([1, 2, 4, 5, 1], lifecycle.Delays.Select(d => (int)d.TotalSeconds));
        Assert.Equal(["#1", "#2", "#3", "#4", "#1"], lifecycle.Log.Where(l => l.StartsWith("reconnect")).Select(l => l.Split(' ')[1]));
    }

    [Theory]
    [InlineData(1, 1000, 1000, 1000)]
    [InlineData(2, 1000, 1000, 2000)]
    [InlineData(3, 1000, 2000, 4000)]
    [InlineData(10, 1000, 15000, 30000)]
    [InlineData(5, 60000, 60000, 60000)]
    public void Jitter_keeps_the_delay_between_half_the_backoff_and_the_backoff_and_never_below_the_reconnection_time(int attempt, int reconnectionMs, int lowMs, int highMs)
    {
        var options = new SseClientOptions { MinBackoffDelay = TimeSpan.FromSeconds(1), MaxBackoffDelay = TimeSpan.FromSeconds(30), MaxServerDelay = TimeSpan.FromMinutes(10) };
        var policy = new ReconnectPolicy(options, TimeProvider.System, new Random(42));
        for (int i = 0; i < 200; i++)
        {
            TimeSpan delay = policy.ComputeDelay(TimeSpan.FromMilliseconds(reconnectionMs), attempt, retryAfter: null);
            Assert.InRange(delay, TimeSpan.FromMilliseconds(lowMs), TimeSpan.FromMilliseconds(highMs));
        }
    }

    [Fact]
    public async Task Silence_past_the_read_timeout_reconnects_and_comments_count_as_activity()
    {
        var time = new TestClock();
        var ping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await ScriptedServer.StartAsync(async (context, index) =>
        {
            if (index > 0)
            {
                await Sse.NoContent(context);
                return;
            }

            await Sse.StreamAsync(context, "id: 1\ndata: x\n\n");
            await ping.Task;
            await Sse.WriteAsync(context, ": ping\n");
            await Sse.HoldAsync(context);
        });
        var options = new SseClientOptions { TimeProvider = time, ReadTimeout = TimeSpan.FromSeconds(10), ReconnectionTime = TimeSpan.Zero };
        using var client = new SseClient(server.Events, options);
        var lifecycle = new Lifecycle(client);
        var commented = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.CommentReceived += (_, _) => commented.SetResult();

        Task<List<Received>> reading = Received.AllAsync(client);
        await Eventually.Within(time.WaitArmedAsync(TimeSpan.FromSeconds(10)), "the read timeout to be armed");
        time.Advance(TimeSpan.FromSeconds(6));
        Task rearmed = time.WaitArmedAsync(TimeSpan.FromSeconds(10));
        ping.SetResult();
        await Eventually.Within(Task.WhenAll(commented.Task, rearmed), "the comment to re-arm the timeout");
        time.Advance(TimeSpan.FromSeconds(9));

        // The client can time out only when the timeout fires, and it is still armed: 1 s to go.
        Assert.Equal([TimeSpan.FromSeconds(1)], time.PendingDelays);
        Assert.Equal(1, server.RequestCount);
        Assert.Equal(SseReadyState.Open, client.ReadyState);

        time.Advance(TimeSpan.FromSeconds(1));
        List<Received> events = await Eventually.Within(reading, "the stream to end");

        Assert.Equal([new("message", "x", "1")], events);
        Assert.Contains("error ReadTimeout reconnect", lifecycle.Log);
        Assert.Equal("1", server.Requests[1].LastEventId);
        await Eventually.Within(server.AllConnectionsEnded, "the silent connection to be aborted");
    }

    [Fact]
    public async Task A_consumer_slower_than_the_read_timeout_is_not_timed_out()
    {
        // The timeout means "no byte from the network for ReadTimeout": it runs only while a read waits on the network,
        // never while the caller holds an event.
        var time = new TestClock();
        var second = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await ScriptedServer.StartAsync(async (context, index) =>
        {
            await Sse.StreamAsync(context, "id: 1\ndata: a\n\n");
            await second.Task;
            await Sse.WriteAsync(context, "id: 2\ndata: b\n\n");
            await Sse.HoldAsync(context);
        });
        var options = new SseClientOptions { TimeProvider = time, ReadTimeout = TimeSpan.FromSeconds(10), ReconnectionTime = TimeSpan.Zero };
        using var client = new SseClient(server.Events, options);
        var lifecycle = new Lifecycle(client);

        Assert.True(await client.ReadAsync());
        Assert.Equal("a", client.Current.GetDataString());
        Assert.Empty(time.PendingDelays);

        // The caller takes an hour over the event; then the next one arrives.
        time.Advance(TimeSpan.FromHours(1));
        second.SetResult();
        Assert.True(await client.ReadAsync());

        Assert.Equal("b", client.Current.GetDataString());
        Assert.Equal(["opened 200"], lifecycle.Log);
        Assert.Equal(1, server.RequestCount);
        Assert.Empty(time.PendingDelays);
    }

    [Fact]
    public async Task The_read_timeout_also_bounds_the_wait_for_response_headers()
    {
        var time = new TestClock();
        await using var server = await ScriptedServer.StartAsync(async (context, index) =>
        {
            if (index == 0)
            {
                await Sse.HoldAsync(context);
                return;
            }

            await Sse.NoContent(context);
        });
        var options = new SseClientOptions { TimeProvider = time, ReadTimeout = TimeSpan.FromSeconds(10), ReconnectionTime = TimeSpan.Zero };
        using var client = new SseClient(server.Events, options);
        var lifecycle = new Lifecycle(client);

        Task<List<Received>> reading = Received.AllAsync(client);
        await server.WaitForRequestAsync(0);
        await Eventually.Within(time.WaitArmedAsync(TimeSpan.FromSeconds(10)), "the header timeout to be armed");
        time.Advance(TimeSpan.FromSeconds(10));
        await Eventually.Within(reading, "the stream to end");

        Assert.Equal(["error ReadTimeout reconnect", "reconnect #1 id=", "closed NoContent"], lifecycle.Log);
    }
}

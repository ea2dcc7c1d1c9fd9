using System.Net;
using System.Net.Sockets;
using Xunit.Abstractions;

namespace SseCodec.Client.Tests;

/// <summary>Whatever a server sends, the client's waits stay within bounds: no crash, no reconnect storm, and it can give up.</summary>
public sealed class ReconnectBoundsTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("retry", null)]
    [InlineData("retry-after-seconds", null)]
    [InlineData("retry-after-date", null)]
    [InlineData("retry", 7)]
    public async Task A_huge_server_delay_is_clamped_instead_of_crashing_the_read(string source, int? maxServerDelayMinutes)
    {
        var time = new TestClock();
        await using var server = await ScriptedServer.StartAsync(async (context, index) =>
        {
            if (index > 0)
            {
                await Sse.NoContent(context);
                return;
            }

            switch (source)
            {
                case "retry":
                    await Sse.StreamAsync(context, "retry: 9999999999\ndata: x\n\n");
                    break;
                default:
                    context.Response.StatusCode = 503;
                    context.Response.Headers.RetryAfter = source == "retry-after-seconds" ? "999999999" : "Fri, 31 Dec 9999 23:59:59 GMT";
                    break;
            }
        });
        var options = new SseClientOptions { TimeProvider = time, RetryServerErrors = true };
        if (maxServerDelayMinutes is { } minutes)
        {
            options.MaxServerDelay = TimeSpan.FromMinutes(minutes);
        }

        using var client = new SseClient(server.Events, options);
        var lifecycle = new Lifecycle(client);
        TimeSpan expected = TimeSpan.FromMinutes(maxServerDelayMinutes ?? 10);

        Task<List<Received>> reading = Received.AllAsync(client);
        await Eventually.Within(Task.WhenAny(time.WaitArmedAsync(expected), reading), "the clamped wait");
        Assert.False(reading.IsFaulted, reading.Exception?.ToString());
        time.Advance(expected);
        await Eventually.Within(reading, "the stream to end");

        Assert.Equal([expected], lifecycle.Delays);
        Assert.Equal(2, server.RequestCount);
    }

    [Theory]
    [InlineData("retry: 0\n\n")]
    [InlineData("retry: 0\ndata: x\n\n")]
    public async Task Retry_0_and_an_immediate_close_backs_off_instead_of_storming(string body)
    {
        var time = new TestClock();
        DateTimeOffset start = time.GetUtcNow();
        var requestTimes = new List<TimeSpan>();
        await using var server = await ScriptedServer.StartAsync((context, index) =>
        {
            lock (requestTimes)
            {
                requestTimes.Add(time.GetUtcNow() - start);
            }

            return Sse.StreamAsync(context, body);
        });
        using var client = new SseClient(server.Events, new SseClientOptions { TimeProvider = time });
        var lifecycle = new Lifecycle(client);
        TimeSpan window = TimeSpan.FromSeconds(60);

        Task<List<Received>> reading = Received.AllAsync(client);
        TimeSpan elapsed = TimeSpan.Zero;
        while (elapsed < window)
        {
            elapsed += await time.PassNextWaitAsync(reading) ?? throw new InvalidOperationException("The client stopped.");
        }

        // The request the last wait let through is made before the client arms its next wait.
        await Eventually.Within(time.AnyArmedAsync(), "the next wait");
        client.Close();
        await Eventually.Within(reading, "the read to end");

        int inWindow;
        lock (requestTimes)
        {
            inWindow = requestTimes.Count(t => t < window);
        }

        output.WriteLine($"{inWindow} requests in {window.TotalSeconds} simulated seconds ({inWindow / window.TotalSeconds:0.00}/s); waits: {string.Join(", ", lifecycle.Delays.Select(d => $"{d.TotalSeconds:0.###} s"))}");

        // The first reconnection waits the server's 0; each later one at least half the doubled backoff from the
        // 1 s floor (1, 2, 4, 8, then half the 30 s cap): at most 8 requests can start within 60 s.
        Assert.InRange(inWindow, 2, 8);
        Assert.Equal(TimeSpan.Zero, lifecycle.Delays[0]);
        Assert.All(lifecycle.Delays.Skip(1), d => Assert.True(d >= TimeSpan.FromSeconds(1), $"a wait of {d} after consecutive failures"));
    }

    [Fact]
    public async Task Max_retries_gives_up_on_a_closed_port_with_a_clear_error()
    {
        var time = new TestClock();
        using var client = new SseClient(Sse.ClosedPortUrl(), new SseClientOptions { TimeProvider = time, MaxRetries = 2 });
        var lifecycle = new Lifecycle(client);

        Task<List<Received>> reading = Received.AllAsync(client);
        await time.RunUntilAsync(reading);

        var failure = await Assert.ThrowsAsync<SseConnectionException>(() => reading);
        Assert.Equal(SseFailureReason.RetriesExhausted, failure.Reason);
        Assert.Contains("MaxRetries", failure.Message);
        Assert.Contains("2 reconnection(s)", failure.Message);
        Assert.IsType<HttpRequestException>(failure.InnerException);
        Assert.Equal(
            ["error NetworkError reconnect", "reconnect #1 id=", "error NetworkError reconnect", "reconnect #2 id=", "error RetriesExhausted final", "closed Failed"],
            lifecycle.Log);
        Assert.Equal(SseReadyState.Closed, client.ReadyState);
    }

    [Fact]
    public async Task A_restart_after_giving_up_gets_its_retries_afresh()
    {
        var time = new TestClock();
        using var client = new SseClient(Sse.ClosedPortUrl(), new SseClientOptions { TimeProvider = time, MaxRetries = 1 });
        var lifecycle = new Lifecycle(client);

        for (int run = 1; run <= 2; run++)
        {
            Task<List<Received>> reading = Received.AllAsync(client);
            await time.RunUntilAsync(reading);
            var failure = await Assert.ThrowsAsync<SseConnectionException>(() => reading);
            Assert.Equal(SseFailureReason.RetriesExhausted, failure.Reason);
            Assert.Equal(run, lifecycle.Log.Count(l => l == "error NetworkError reconnect"));
            client.Restart();
        }
    }

    [Fact]
    public async Task An_event_starts_the_retry_count_over()
    {
        var time = new TestClock();
        await using var server = await ScriptedServer.StartAsync((context, index) => index switch
        {
            < 4 => Sse.StreamAsync(context, $"retry: 0\ndata: {index}\n\n"),
            _ => Sse.NoContent(context),
        });
        using var client = new SseClient(server.Events, new SseClientOptions { TimeProvider = time, MaxRetries = 1 });

        Task<List<Received>> reading = Received.AllAsync(client);
        await time.RunUntilAsync(reading);

        Assert.Equal(["0", "1", "2", "3"], (await reading).Select(e => e.Data));
        Assert.Equal(5, server.RequestCount);
    }

    [Fact]
    public void Delay_options_are_validated_when_set()
    {
        var options = new SseClientOptions();
        Assert.Throws<ArgumentOutOfRangeException>(() => options.MinBackoffDelay = TimeSpan.Zero);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.MaxServerDelay = TimeSpan.FromDays(2));
        Assert.Throws<ArgumentOutOfRangeException>(() => options.MaxServerDelay = TimeSpan.FromSeconds(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => options.MaxRetries = -1);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.MaxRedirects = SseClientOptions.MaxRedirectsLimit + 1);
        Assert.Null(options.MaxRetries);
        Assert.Equal(TimeSpan.FromMinutes(10), options.MaxServerDelay);
        Assert.Equal(TimeSpan.FromSeconds(1), options.MinBackoffDelay);
    }
}

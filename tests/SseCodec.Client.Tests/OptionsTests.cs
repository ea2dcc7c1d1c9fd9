namespace SseCodec.Client.Tests;

/// <summary>The options are validated and copied when a client is made: a change afterwards has no effect, half-way or whole.</summary>
public sealed class OptionsTests
{
    [Fact]
    public async Task A_change_to_the_options_after_the_client_is_made_does_not_reach_it()
    {
        var time = new TestClock();
        await using var server = await ScriptedServer.StartAsync((context, index) => index switch
        {
            0 => Sse.StreamAsync(context, "data: a line longer than eight bytes\n\n"),
            _ => Sse.NoContent(context),
        });
        var options = new SseClientOptions { TimeProvider = time, ReconnectionTime = TimeSpan.Zero, ParserOptions = new SseParserOptions { MaxLineLength = 1024 } };
        options.Headers["X-Stage"] = "made";
        using var client = new SseClient(server.Events, options);
        var lifecycle = new Lifecycle(client);

        options.Headers["X-Stage"] = "changed";
        options.Headers["X-Added"] = "1";
        options.Method = HttpMethod.Post;
        options.ContentFactory = () => new StringContent("body");
        options.ConfigureRequest = request => request.Headers.Add("X-Configured", "1");
        options.LastEventId = "changed";
        options.ReconnectionTime = TimeSpan.FromHours(1);
        options.ParserOptions.MaxLineLength = 8;
        options.MaxRetries = 0;

        Task<List<Received>> reading = Received.AllAsync(client);
        await time.RunUntilAsync(reading);

        Assert.Equal([new("message", "a line longer than eight bytes", "")], await reading);
        Assert.Equal([TimeSpan.Zero], lifecycle.Delays);
        IReadOnlyList<RecordedRequest> requests = server.Requests;
        Assert.Equal(2, requests.Count);
        Assert.All(requests, r =>
        {
            Assert.Equal("GET", r.Method);
            Assert.Equal("made", r.Headers["X-Stage"]);
            Assert.False(r.Headers.ContainsKey("X-Added"));
            Assert.False(r.Headers.ContainsKey("X-Configured"));
            Assert.False(r.HasLastEventId);
            Assert.Equal("", r.Body);
        });
    }

    [Fact]
    public void What_a_setter_cannot_check_is_checked_when_the_client_is_made()
    {
        var url = new Uri("http://127.0.0.1/events");

        Assert.Equal("options", Assert.Throws<ArgumentException>(() => new SseClient(url, new SseClientOptions { LastEventId = "a\nb" })).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentException>(() => new SseClient(url, new SseClientOptions { Method = null! })).ParamName);

        var injected = new SseClientOptions();
        injected.Headers["X-Injected"] = "a\r\nHost: elsewhere";
        Assert.Equal("options", Assert.Throws<ArgumentException>(() => new SseClient(url, injected)).ParamName);
    }

    [Fact]
    public void Ascii_only_refuses_a_non_ascii_initial_id_when_the_client_is_made()
    {
        var options = new SseClientOptions { LastEventId = "\u00E9", LastEventIdEncoding = SseLastEventIdEncoding.AsciiOnly };

        var refused = Assert.Throws<ArgumentException>(() => new SseClient(new Uri("http://127.0.0.1/events"), options));

        Assert.Equal("options", refused.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.LastEventIdEncoding = (SseLastEventIdEncoding)3);
    }
}

using System.Text;

namespace SseCodec.Client.Tests;

/// <summary>A non-idempotent request (an LLM call) is not sent twice without the caller's leave; GET keeps EventSource's reconnects.</summary>
public sealed class RequestMethodTests
{
    private static SseClientOptions Post() => new()
    {
        ReconnectionTime = TimeSpan.Zero,
        Method = HttpMethod.Post,
        ContentFactory = () => new StringContent("{\"prompt\":\"hi\"}", Encoding.UTF8, "application/json"),
    };

    [Fact]
    public async Task A_post_stream_that_ends_cleanly_is_sent_exactly_once()
    {
        await using var server = await ScriptedServer.StartAsync((context, index) => index switch
        {
            0 => Sse.StreamAsync(context, "id: 1\ndata: {\"token\":\"Hel\"}\n\ndata: [DONE]\n\n"),
            _ => Sse.NoContent(context),
        });
        using var client = new SseClient(server.Events, Post());
        var lifecycle = new Lifecycle(client);

        List<Received> events = await Received.AllAsync(client);

        Assert.Equal(["{\"token\":\"Hel\"}", "[DONE]"], events.Select(e => e.Data));
        Assert.Equal(1, server.RequestCount);
        Assert.Equal(["opened 200", "closed Ended"], lifecycle.Log);
        Assert.Equal(SseReadyState.Closed, client.ReadyState);
    }

    [Fact]
    public async Task A_post_stream_that_drops_fails_instead_of_being_sent_again()
    {
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await ScriptedServer.StartAsync(async (context, index) =>
        {
            if (index > 0)
            {
                await Sse.NoContent(context);
                return;
            }

            await Sse.StreamAsync(context, "data: partial\n\n");

            // Drop the connection once the client has the event, so the reset cannot discard it unread.
            await received.Task;
            context.Abort();
        });
        using var client = new SseClient(server.Events, Post());
        var events = new List<Received>();

        var failure = await Assert.ThrowsAsync<SseConnectionException>(async () =>
        {
            await foreach (SseEvent e in client)
            {
                events.Add(Received.From(e));
                received.TrySetResult();
            }
        });

        Assert.Equal(SseFailureReason.NetworkError, failure.Reason);
        Assert.Contains("ResendNonIdempotentRequests", failure.Message);
        Assert.Equal([new("message", "partial", "")], events);
        Assert.Equal(1, server.RequestCount);
    }

    [Fact]
    public async Task A_post_whose_connection_could_not_be_made_is_retried_as_nothing_was_sent()
    {
        var time = new TestClock();
        SseClientOptions options = Post();
        options.TimeProvider = time;
        options.MaxRetries = 1;
        using var client = new SseClient(Sse.ClosedPortUrl(), options);
        var lifecycle = new Lifecycle(client);

        Task<List<Received>> reading = Received.AllAsync(client);
        await time.RunUntilAsync(reading);

        var failure = await Assert.ThrowsAsync<SseConnectionException>(() => reading);
        Assert.Equal(SseFailureReason.RetriesExhausted, failure.Reason);
        Assert.Equal(["error NetworkError reconnect", "reconnect #1 id=", "error RetriesExhausted final", "closed Failed"], lifecycle.Log);
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task Idempotent_methods_reconnect_after_a_clean_end(string method)
    {
        await using var server = await ScriptedServer.StartAsync((context, index) => index switch
        {
            0 => Sse.StreamAsync(context, "id: 1\ndata: a\n\n"),
            _ => Sse.NoContent(context),
        });
        using var client = new SseClient(server.Events, new SseClientOptions { ReconnectionTime = TimeSpan.Zero, Method = new HttpMethod(method) });

        await Received.AllAsync(client);

        Assert.Equal(2, server.RequestCount);
        Assert.Equal("1", server.Requests[1].LastEventId);
    }
}

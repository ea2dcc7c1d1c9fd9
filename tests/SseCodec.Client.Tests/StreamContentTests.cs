using System.Text;

namespace SseCodec.Client.Tests;

/// <summary>What the body carries: bytes one at a time, a BOM, comments, JSON, and a line past the limit.</summary>
public sealed class StreamContentTests
{
    private static SseClientOptions Fast() => new() { ReconnectionTime = TimeSpan.Zero };

    [Fact]
    public async Task Bytes_trickled_one_at_a_time_give_every_event_exactly_once_in_order()
    {
        const string Stream = "\uFEFFid: 1\r\ndata: hello\r\n\r\n: note\nevent: t\ndata: x\ndata: y\n\nid: 3\rdata: é\r\r";
        await using var server = await ScriptedServer.StartAsync(async (context, index) =>
        {
            if (index > 0)
            {
                await Sse.NoContent(context);
                return;
            }

            await Sse.StartAsync(context);
            foreach (byte b in Encoding.UTF8.GetBytes(Stream))
            {
                await context.Response.Body.WriteAsync(new[] { b });
                await context.Response.Body.FlushAsync();
            }
        });
        using var client = new SseClient(server.Events, Fast());

        List<Received> events = await Received.AllAsync(client);

        Assert.Equal([new("message", "hello", "1"), new("t", "x\ny", "1"), new("message", "é", "3")], events);
        Assert.Equal("3", server.Requests[1].LastEventId);
    }

    [Fact]
    public async Task A_bom_at_the_start_of_each_connection_is_skipped()
    {
        await using var server = await ScriptedServer.StartAsync((context, index) => index switch
        {
            0 => Sse.StreamAsync(context, "\uFEFFdata: first\n\n"),
            1 => Sse.StreamAsync(context, "\uFEFFdata: second\n\n"),
            _ => Sse.NoContent(context),
        });
        using var client = new SseClient(server.Events, Fast());

        Assert.Equal([new("message", "first", ""), new("message", "second", "")], await Received.AllAsync(client));
    }

    [Fact]
    public async Task A_line_over_the_limit_fails_with_a_clear_error_after_the_events_before_it()
    {
        await using var server = await ScriptedServer.StartAsync((context, index) =>
            Sse.StreamAsync(context, "data: ok\n\ndata: " + new string('x', 100) + "\n\n"));
        var options = Fast();
        options.ParserOptions = new SseParserOptions { MaxLineLength = 32 };
        using var client = new SseClient(server.Events, options);
        var events = new List<Received>();

        var failure = await Assert.ThrowsAsync<SseConnectionException>(async () =>
        {
            await foreach (SseEvent e in client)
            {
                events.Add(Received.From(e));
            }
        });

        Assert.Equal([new("message", "ok", "")], events);
        Assert.Equal(SseFailureReason.LimitExceeded, failure.Reason);
        var limit = Assert.IsType<SseLimitExceededException>(failure.InnerException);
        Assert.Equal("MaxLineLength", limit.LimitName);
        Assert.Contains("MaxLineLength", failure.Message);
        Assert.Equal(SseReadyState.Closed, client.ReadyState);
        Assert.Equal(1, server.RequestCount);
    }

    [Fact]
    public async Task Comments_are_observable_and_do_not_become_events()
    {
        await using var server = await ScriptedServer.StartAsync((context, index) => index switch
        {
            0 => Sse.StreamAsync(context, ": hello\n:\ndata: a\n\n:bye\n"),
            _ => Sse.NoContent(context),
        });
        using var client = new SseClient(server.Events, Fast());
        var comments = new List<string>();
        client.CommentReceived += (_, e) => comments.Add(e.Comment);

        Assert.Equal([new("message", "a", "")], await Received.AllAsync(client));
        Assert.Equal(["hello", "", "bye"], comments);
    }

    private sealed record Token(string Text);

    [Fact]
    public async Task Events_read_as_json()
    {
        await using var server = await ScriptedServer.StartAsync((context, index) => index switch
        {
            0 => Sse.StreamAsync(context, "data: {\"Text\":\"Hel\"}\n\ndata: {\"Text\":\"lo\"}\n\n"),
            _ => Sse.NoContent(context),
        });
        using var client = new SseClient(server.Events, Fast());
        var text = new StringBuilder();

        await foreach (SseEvent e in client)
        {
            text.Append(e.GetDataFromJson<Token>()!.Text);
        }

        Assert.Equal("Hello", text.ToString());
    }

    [Fact]
    public async Task An_event_is_valid_until_the_loop_moves_on()
    {
        await using var server = await ScriptedServer.StartAsync((context, index) => index switch
        {
            0 => Sse.StreamAsync(context, "data: a\n\ndata: b\n\n"),
            _ => Sse.NoContent(context),
        });
        using var client = new SseClient(server.Events, Fast());

        Assert.True(await client.ReadAsync());
        SseEvent first = client.Current;
        Assert.Equal("a", first.GetDataString());
        Assert.True(await client.ReadAsync());
        Assert.Throws<InvalidOperationException>(() => first.GetDataString());
        Assert.Equal("b", client.Current.GetDataString());
        Assert.False(await client.ReadAsync());
    }
}

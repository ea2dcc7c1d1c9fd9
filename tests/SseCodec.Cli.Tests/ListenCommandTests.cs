using Microsoft.AspNetCore.Http;
using System.Text;
using SseCodec.Cli.Tests.Infrastructure;
using SseCodec.Cli;

namespace SseCodec.Cli.Tests;

/// <summary><c>sse listen</c>, run in-process against the scripted Kestrel.</summary>
public sealed class ListenCommandTests
{
    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var stdout = new MemoryStream();
        using var stderr = new StringWriter();
        int exit = await SseCommand.RunAsync(args, Stream.Null, stdout, stderr, CancellationToken.None);
        return (exit, Encoding.UTF8.GetString(stdout.ToArray()), stderr.ToString());
    }

    [Fact]
    public async Task Json_prints_parse_shaped_lines_reconnects_with_the_last_event_id_and_exits_0_on_204()
    {
        await using var server = await ScriptedServer.StartAsync((context, index) => index switch
        {
            0 => Sse.StreamAsync(context, "retry: 0\nid: 1\nevent: greet\ndata: hi\n\n"),
            1 => Sse.StreamAsync(context, "data: \"quoted\"\ndata: line2\n\n"),
            _ => Sse.NoContent(context),
        });

        var (exit, stdout, stderr) = await RunAsync("listen", server.Events.ToString(), "--json", "-H", "X-Key: k1", "--last-event-id", "0");

        Assert.Equal(0, exit);
        Assert.Equal(
            "{\"type\":\"greet\",\"data\":\"hi\",\"id\":\"1\"}\n{\"type\":\"message\",\"data\":\"\\\"quoted\\\"\\nline2\",\"id\":\"1\"}\n",
            stdout);
        Assert.Contains("sse: open (200 text/event-stream)", stderr);
        Assert.Contains("reconnecting in 0 ms (Last-Event-ID: 1)", stderr);
        Assert.Contains("closed (204 No Content)", stderr);
        IReadOnlyList<RecordedRequest> requests = server.Requests;
        Assert.Equal(["0", "1", "1"], requests.Select(r => r.LastEventId));
        Assert.All(requests, r => Assert.Equal("k1", r.Headers["X-Key"]));
    }

    [Fact]
    public async Task Text_output_shows_event_blocks()
    {
        await using var server = await ScriptedServer.StartAsync((context, index) => index switch
        {
            0 => Sse.StreamAsync(context, "retry: 0\nid: 5\nevent: t\ndata: a\ndata: b\n\ndata: c\n\n"),
            _ => Sse.NoContent(context),
        });

        var (exit, stdout, _) = await RunAsync("listen", server.Events.ToString());

        Assert.Equal(0, exit);
        Assert.Equal("event: t\nid: 5\ndata: a\ndata: b\n\nid: 5\ndata: c\n\n", stdout);
    }

    [Fact]
    public async Task Data_posts_the_body_on_every_connection()
    {
        await using var server = await ScriptedServer.StartAsync((context, index) => index switch
        {
            0 => Sse.StreamAsync(context, "retry: 0\ndata: token\n\n"),
            _ => Sse.NoContent(context),
        });

        var (exit, _, stderr) = await RunAsync("listen", server.Events.ToString(), "--data", "{\"stream\":true}", "--json");

        Assert.Equal(0, exit);
        RecordedRequest request = Assert.Single(server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("{\"stream\":true}", request.Body);
        Assert.Equal("application/json", request.ContentType);
        Assert.Contains("a POST is not sent again without --resend", stderr);
    }

    [Fact]
    public async Task Resend_posts_the_body_again_on_reconnect()
    {
        await using var server = await ScriptedServer.StartAsync((context, index) => index switch
        {
            0 => Sse.StreamAsync(context, "retry: 0\ndata: token\n\n"),
            _ => Sse.NoContent(context),
        });

        var (exit, _, _) = await RunAsync("listen", server.Events.ToString(), "--data", "{\"stream\":true}", "--resend");

        Assert.Equal(0, exit);
        Assert.Equal(2, server.RequestCount);
        Assert.All(server.Requests, r => Assert.Equal("{\"stream\":true}", r.Body));
    }

    [Fact]
    public async Task A_closed_port_exits_3_when_the_retries_run_out()
    {
        var (exit, stdout, stderr) = await RunAsync("listen", Sse.ClosedPortUrl().ToString(), "--max-retries", "0");

        Assert.Equal(3, exit);
        Assert.Equal("", stdout);
        Assert.Contains("Gave up", stderr);
        Assert.Contains("MaxRetries", stderr);
        Assert.Contains("closed (Failed)", stderr);
    }

    [Fact]
    public async Task A_huge_retry_is_waited_as_the_limit_instead_of_aborting()
    {
        await using var server = await ScriptedServer.StartAsync((context, index) => Sse.StreamAsync(context, "retry: 9999999999\ndata: x\n\n"));
        using var stdout = new MemoryStream();
        using var log = new WatchedWriter();
        using var cancellation = new CancellationTokenSource();

        Task<int> listening = SseCommand.RunAsync(["listen", server.Events.ToString()], Stream.Null, stdout, log, cancellation.Token);
        await Eventually.Within(Task.WhenAny(log.WaitForAsync("reconnecting in 600000 ms"), listening), "the clamped wait");
        Assert.Contains("reconnecting in 600000 ms", log.ToString());
        cancellation.Cancel();

        Assert.Equal(130, await Eventually.Within(listening, "listen to stop"));
    }

    [Fact]
    public async Task Method_and_content_type_can_be_set()
    {
        await using var server = await ScriptedServer.StartAsync((context, index) => Sse.NoContent(context));

        var (exit, _, _) = await RunAsync("listen", server.Events.ToString(), "--method", "PUT", "--data", "x=1", "-H", "Content-Type: text/plain");

        Assert.Equal(0, exit);
        Assert.Equal("PUT", server.Requests[0].Method);
        Assert.Equal("text/plain", server.Requests[0].ContentType);
    }

    [Theory]
    [InlineData(404, "text/html", "404", "<h1>Not Found</h1>")]
    [InlineData(200, "application/json", "application/json", "{\"error\":\"invalid api key\"}")]
    public async Task A_failed_connection_exits_3_and_says_why_on_stderr(int status, string contentType, string expected, string body)
    {
        await using var server = await ScriptedServer.StartAsync(async (context, index) =>
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = contentType;
            await context.Response.WriteAsync(body);
        });

        var (exit, stdout, stderr) = await RunAsync("listen", server.Events.ToString());

        Assert.Equal(3, exit);
        Assert.Equal("", stdout);
        Assert.Contains(expected, stderr);
        Assert.Contains("Body: " + body, stderr);
        Assert.Contains("closed (Failed)", stderr);
    }

    [Fact]
    public async Task A_line_over_the_limit_exits_2()
    {
        await using var server = await ScriptedServer.StartAsync((context, index) => Sse.StreamAsync(context, "data: " + new string('x', 64) + "\n\n"));

        var (exit, _, stderr) = await RunAsync("listen", server.Events.ToString(), "--max-line-length", "16");

        Assert.Equal(2, exit);
        Assert.Contains("MaxLineLength", stderr);
    }

    [Theory]
    [InlineData("listen")]
    [InlineData("listen", "ftp://example.com/")]
    [InlineData("listen", "http://127.0.0.1/", "-H", "no colon")]
    [InlineData("listen", "http://127.0.0.1/", "--bogus")]
    [InlineData("listen", "http://127.0.0.1/", "--max-retries", "-1")]
    [InlineData("listen", "http://127.0.0.1/", "--max-retries", "many")]
    public async Task Bad_arguments_are_usage_errors(params string[] args)
    {
        var (exit, _, stderr) = await RunAsync(args);

        Assert.Equal(1, exit);
        Assert.Contains("sse --help", stderr);
    }
}

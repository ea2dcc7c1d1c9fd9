using System.Net;
using Microsoft.AspNetCore.Http;

namespace SseCodec.Client.Tests;

/// <summary>Status codes and content types: which open, which close, which fail, and the opt-in retry of 5xx and 429.</summary>
public sealed class ResponseTests
{
    private static SseClientOptions Fast() => new() { ReconnectionTime = TimeSpan.Zero };

    [Theory]
    [InlineData(500)]
    [InlineData(404)]
    [InlineData(401)]
    [InlineData(429)]
    public async Task Another_status_fails_the_connection_with_its_status_and_content_type_and_does_not_reconnect(int status)
    {
        await using var server = await ScriptedServer.StartAsync(async (context, index) =>
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("{\"error\":\"nope\"}");
        });
        using var client = new SseClient(server.Events, Fast());
        var lifecycle = new Lifecycle(client);

        var failure = await Assert.ThrowsAsync<SseConnectionException>(() => Received.AllAsync(client));

        Assert.Equal(SseFailureReason.UnexpectedStatusCode, failure.Reason);
        Assert.Equal((HttpStatusCode)status, failure.StatusCode);
        Assert.Equal("application/json", failure.ContentType);
        Assert.Equal("{\"error\":\"nope\"}", failure.ResponseBody);
        Assert.Contains(status.ToString(), failure.Message);
        Assert.Contains("Body: {\"error\":\"nope\"}", failure.Message);
        Assert.Equal(SseReadyState.Closed, client.ReadyState);
        Assert.Equal(1, server.RequestCount);
        Assert.Equal(["error UnexpectedStatusCode final", "closed Failed"], lifecycle.Log);
        Assert.False(await client.ReadAsync());
    }

    [Fact]
    public async Task A_wrong_content_type_fails_the_connection()
    {
        await using var server = await ScriptedServer.StartAsync(async (context, index) =>
        {
            await Sse.StartAsync(context, "text/plain; charset=utf-8");
            await Sse.WriteAsync(context, "data: not an event stream\n\n");
        });
        using var client = new SseClient(server.Events, Fast());

        var failure = await Assert.ThrowsAsync<SseConnectionException>(() => Received.AllAsync(client));

        Assert.Equal(SseFailureReason.UnexpectedContentType, failure.Reason);
        Assert.Equal(HttpStatusCode.OK, failure.StatusCode);
        Assert.Equal("text/plain; charset=utf-8", failure.ContentType);
        Assert.Equal("data: not an event stream\n\n", failure.ResponseBody);
        Assert.Equal(1, server.RequestCount);
    }

    [Fact]
    public async Task A_200_without_a_content_type_fails_the_connection()
    {
        await using var server = await ScriptedServer.StartAsync(async (context, index) =>
        {
            context.Response.StatusCode = 200;
            await context.Response.Body.WriteAsync("data: x\n\n"u8.ToArray());
        });
        using var client = new SseClient(server.Events, Fast());

        var failure = await Assert.ThrowsAsync<SseConnectionException>(() => Received.AllAsync(client));

        Assert.Equal(SseFailureReason.UnexpectedContentType, failure.Reason);
        Assert.Null(failure.ContentType);
        Assert.Equal("data: x\n\n", failure.ResponseBody);
    }

    [Fact]
    public async Task A_failed_response_body_is_read_up_to_the_limit_and_not_at_all_when_the_limit_is_zero()
    {
        await using var server = await ScriptedServer.StartAsync(async (context, index) =>
        {
            context.Response.StatusCode = 400;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("{\"error\":{\"message\":\"" + new string('x', 100_000) + "\"}}");
        });

        var options = Fast();
        options.MaxErrorBodyLength = 12;
        using (var client = new SseClient(server.Events, options))
        {
            var failure = await Assert.ThrowsAsync<SseConnectionException>(() => Received.AllAsync(client));
            Assert.Equal("{\"error\":{\"m", failure.ResponseBody);
        }

        options.MaxErrorBodyLength = 0;
        using (var client = new SseClient(server.Events, options))
        {
            var failure = await Assert.ThrowsAsync<SseConnectionException>(() => Received.AllAsync(client));
            Assert.Null(failure.ResponseBody);
            Assert.Equal(HttpStatusCode.BadRequest, failure.StatusCode);
            Assert.DoesNotContain("Body:", failure.Message);
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => options.MaxErrorBodyLength = -1);
        Assert.Throws<ArgumentOutOfRangeException>(() => options.MaxErrorBodyLength = (1024 * 1024) + 1);
    }

    [Fact]
    public async Task A_failed_response_body_is_decoded_with_its_charset()
    {
        await using var server = await ScriptedServer.StartAsync(async (context, index) =>
        {
            context.Response.StatusCode = 403;
            context.Response.ContentType = "text/plain; charset=iso-8859-1";
            await context.Response.Body.WriteAsync(new byte[] { (byte)'c', (byte)'a', (byte)'f', 0xE9, (byte)'\n', (byte)'2' });
        });
        using var client = new SseClient(server.Events, Fast());

        var failure = await Assert.ThrowsAsync<SseConnectionException>(() => Received.AllAsync(client));

        Assert.Equal("caf\u00E9\n2", failure.ResponseBody);
        Assert.EndsWith("Body: caf\u00E9", failure.Message);
    }

    [Fact]
    public async Task A_failed_response_whose_body_stalls_fails_after_the_body_timeout_with_what_arrived()
    {
        var time = new TestClock();
        await using var server = await ScriptedServer.StartAsync(async (context, index) =>
        {
            context.Response.StatusCode = 502;
            context.Response.ContentType = "text/plain";
            await context.Response.WriteAsync("bad gateway, and then nothing");
            await context.Response.Body.FlushAsync();
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        });
        using var client = new SseClient(server.Events, new SseClientOptions { TimeProvider = time });

        Task<List<Received>> reading = Received.AllAsync(client);
        await Eventually.Within(time.WaitArmedAsync(TimeSpan.FromSeconds(10)), "the 10 s bound on reading the error body");
        time.Advance(TimeSpan.FromSeconds(10));

        var failure = await Assert.ThrowsAsync<SseConnectionException>(() => Eventually.Within(reading, "the failure"));
        Assert.Equal(HttpStatusCode.BadGateway, failure.StatusCode);
        Assert.Equal("bad gateway, and then nothing", failure.ResponseBody);
        Assert.Equal(1, server.RequestCount);
    }

    [Fact]
    public async Task A_204_on_the_first_request_ends_the_stream_with_no_events_and_no_error()
    {
        await using var server = await ScriptedServer.StartAsync((context, index) => Sse.NoContent(context));
        using var client = new SseClient(server.Events, Fast());
        var lifecycle = new Lifecycle(client);

        Assert.Empty(await Received.AllAsync(client));
        Assert.Equal(["closed NoContent"], lifecycle.Log);
        Assert.Equal(1, server.RequestCount);
    }

    [Fact]
    public async Task Retrying_server_errors_backs_off_and_honours_retry_after()
    {
        var time = new TestClock();
        await using var server = await ScriptedServer.StartAsync(async (context, index) =>
        {
            switch (index)
            {
                case 0:
                    context.Response.StatusCode = 503;
                    context.Response.Headers.RetryAfter = "7";
                    break;
                case 1:
                    context.Response.StatusCode = 429;
                    break;
                case 2:
                    await Sse.StreamAsync(context, "data: ok\n\n");
                    break;
                default:
                    await Sse.NoContent(context);
                    break;
            }
        });
        var options = new SseClientOptions { TimeProvider = time, RetryServerErrors = true, UseJitter = false, ReconnectionTime = TimeSpan.FromSeconds(1) };
        using var client = new SseClient(server.Events, options);
        var lifecycle = new Lifecycle(client);

        Task<List<Received>> reading = Received.AllAsync(client);
        await Eventually.Within(time.WaitArmedAsync(TimeSpan.FromSeconds(7)), "a 7 s wait after Retry-After: 7");
        time.Advance(TimeSpan.FromSeconds(7));
        await Eventually.Within(time.WaitArmedAsync(TimeSpan.FromSeconds(2)), "a 2 s backed-off wait after the 429");
        time.Advance(TimeSpan.FromSeconds(2));
        await Eventually.Within(time.WaitArmedAsync(TimeSpan.FromSeconds(4)), "a 4 s backed-off wait after the short connection");
        time.Advance(TimeSpan.FromSeconds(4));

        Assert.Equal([new("message", "ok", "")], await Eventually.Within(reading, "the stream to end"));
        Assert.Equal([TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4)], lifecycle.Delays);
        Assert.Contains("error UnexpectedStatusCode reconnect", lifecycle.Log);
    }

    [Fact]
    public async Task Retrying_server_errors_still_fails_on_a_4xx()
    {
        await using var server = await ScriptedServer.StartAsync((context, index) =>
        {
            context.Response.StatusCode = 404;
            return Task.CompletedTask;
        });
        var options = Fast();
        options.RetryServerErrors = true;
        using var client = new SseClient(server.Events, options);

        var failure = await Assert.ThrowsAsync<SseConnectionException>(() => Received.AllAsync(client));
        Assert.Equal(HttpStatusCode.NotFound, failure.StatusCode);
        Assert.Equal(1, server.RequestCount);
    }

    [Fact]
    public async Task A_network_error_before_any_response_reconnects()
    {
        // A port that nothing listens on: bind one, note it, and let it go.
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var client = new SseClient(new Uri($"http://127.0.0.1:{port}/events"), Fast());
        var errors = new List<SseErrorEventArgs>();
        client.Error += (_, e) =>
        {
            errors.Add(e);
            if (errors.Count == 3)
            {
                client.Close();
            }
        };

        Assert.Empty(await Received.AllAsync(client));
        Assert.Equal(3, errors.Count);
        Assert.All(errors, e =>
        {
            Assert.Equal(SseFailureReason.NetworkError, e.Reason);
            Assert.IsType<HttpRequestException>(e.Exception);
            Assert.True(e.WillReconnect);
        });
    }
}

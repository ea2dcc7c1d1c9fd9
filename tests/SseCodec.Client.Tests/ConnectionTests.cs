using System.Net.Http.Headers;
using System.Text;

namespace SseCodec.Client.Tests;

/// <summary>Requests, reconnection and the last event ID, asserted on both the client and the server.</summary>
public sealed class ConnectionTests
{
    private static SseClientOptions Fast() => new() { ReconnectionTime = TimeSpan.Zero };

    [Fact]
    public async Task Get_sends_accept_and_no_cache_delivers_events_in_order_and_a_204_closes_for_good()
    {
        await using var server = await ScriptedServer.StartAsync((context, index) => index switch
        {
            0 => Sse.StreamAsync(context, "id: 1\ndata: a\n\nid: 2\nevent: tick\ndata: b\n\n"),
            1 => Sse.StreamAsync(context, "data: c\n\n"),
            _ => Sse.NoContent(context),
        });
        using var client = new SseClient(server.Events, Fast());
        var lifecycle = new Lifecycle(client);

        List<Received> events = await Received.AllAsync(client);

        Assert.Equal([new("message", "a", "1"), new("tick", "b", "2"), new("message", "c", "2")], events);
        Assert.Equal(SseReadyState.Closed, client.ReadyState);
        IReadOnlyList<RecordedRequest> requests = server.Requests;
        Assert.Equal(3, requests.Count);
        Assert.All(requests, r =>
        {
            Assert.Equal("GET", r.Method);
            Assert.Equal("text/event-stream", r.Accept);
            Assert.Equal("no-cache", r.CacheControl);
        });
        Assert.False(requests[0].HasLastEventId);
        Assert.Equal("2", requests[1].LastEventId);
        Assert.Equal("2", requests[2].LastEventId);
        Assert.Equal(
            ["opened 200", "error EndOfStream reconnect", "reconnect #1 id=2", "opened 200", "error EndOfStream reconnect", "reconnect #2 id=2", "closed NoContent"],
            lifecycle.Log);
    }

    [Fact]
    public async Task A_drop_mid_event_discards_the_partial_event_and_does_not_commit_its_id()
    {
        var firstSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var partSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await ScriptedServer.StartAsync(async (context, index) =>
        {
            switch (index)
            {
                case 0:
                    await Sse.StreamAsync(context, "id: 1\ndata: one\n\n");
                    await firstSeen.Task;

                    // The comment after the event's first lines says when the client has parsed them; then the drop.
                    await Sse.WriteAsync(context, "id: 2\ndata: par\n: parsed\n");
                    await partSeen.Task;
                    context.Abort();
                    break;
                case 1:
                    await Sse.StreamAsync(context, "data: two\n\n");
                    break;
                default:
                    await Sse.NoContent(context);
                    break;
            }
        });
        using var client = new SseClient(server.Events, Fast());
        var lifecycle = new Lifecycle(client);
        client.CommentReceived += (_, e) => partSeen.TrySetResult();

        var events = new List<Received>();
        await foreach (SseEvent e in client)
        {
            events.Add(Received.From(e));
            firstSeen.TrySetResult();
        }

        Assert.True(partSeen.Task.IsCompleted);
        Assert.Equal([new("message", "one", "1"), new("message", "two", "1")], events);
        Assert.Equal("1", server.Requests[1].LastEventId);
        Assert.Equal("error NetworkError reconnect", lifecycle.Log[1]);
    }

    [Fact]
    public async Task The_end_of_the_body_mid_event_discards_the_partial_event_too()
    {
        await using var server = await ScriptedServer.StartAsync((context, index) => index switch
        {
            0 => Sse.StreamAsync(context, "id: 1\ndata: one\n\nid: 2\ndata: partial\n"),
            1 => Sse.StreamAsync(context, "data: two\n\n"),
            _ => Sse.NoContent(context),
        });
        using var client = new SseClient(server.Events, Fast());

        List<Received> events = await Received.AllAsync(client);

        Assert.Equal([new("message", "one", "1"), new("message", "two", "1")], events);
        Assert.Equal("1", server.Requests[1].LastEventId);
    }

    [Fact]
    public async Task An_empty_last_event_id_is_not_sent()
    {
        await using var server = await ScriptedServer.StartAsync((context, index) => index switch
        {
            0 => Sse.StreamAsync(context, "id: 1\ndata: a\n\nid\ndata: b\n\n"),
            _ => Sse.NoContent(context),
        });
        using var client = new SseClient(server.Events, Fast());

        List<Received> events = await Received.AllAsync(client);

        Assert.Equal([new("message", "a", "1"), new("message", "b", "")], events);
        Assert.False(server.Requests[1].HasLastEventId);
    }

    [Fact]
    public async Task An_initial_last_event_id_is_sent_on_the_first_request_and_seen_by_events_without_an_id()
    {
        await using var server = await ScriptedServer.StartAsync((context, index) => index switch
        {
            0 => Sse.StreamAsync(context, "data: a\n\n"),
            _ => Sse.NoContent(context),
        });
        var options = Fast();
        options.LastEventId = "41";
        using var client = new SseClient(server.Events, options);

        List<Received> events = await Received.AllAsync(client);

        Assert.Equal([new("message", "a", "41")], events);
        Assert.Equal("41", server.Requests[0].LastEventId);
        Assert.Equal("41", server.Requests[1].LastEventId);
    }

    [Fact]
    public async Task Custom_headers_go_on_every_request_and_configure_request_runs_each_time()
    {
        await using var server = await ScriptedServer.StartAsync((context, index) => index switch
        {
            0 => Sse.StreamAsync(context, "data: a\n\n"),
            _ => Sse.NoContent(context),
        });
        var options = Fast();
        options.Headers["Authorization"] = "Bearer token";
        options.Headers["X-Trace"] = "abc";
        int calls = 0;
        options.ConfigureRequest = request => request.Headers.Add("X-Attempt", (++calls).ToString());
        using var client = new SseClient(server.Events, options);

        await Received.AllAsync(client);

        IReadOnlyList<RecordedRequest> requests = server.Requests;
        Assert.All(requests, r =>
        {
            Assert.Equal("Bearer token", r.Headers["Authorization"]);
            Assert.Equal("abc", r.Headers["X-Trace"]);
        });
        Assert.Equal("1", requests[0].Headers["X-Attempt"]);
        Assert.Equal("2", requests[1].Headers["X-Attempt"]);
    }

    [Fact]
    public async Task Post_with_resend_opted_in_sends_its_body_again_on_every_reconnect()
    {
        await using var server = await ScriptedServer.StartAsync((context, index) => index switch
        {
            0 => Sse.StreamAsync(context, "id: 7\ndata: {\"token\":\"Hel\"}\n\n"),
            1 => Sse.StreamAsync(context, "data: {\"token\":\"lo\"}\n\n"),
            _ => Sse.NoContent(context),
        });
        var options = Fast();
        options.Method = HttpMethod.Post;
        options.ResendNonIdempotentRequests = true;
        options.ContentFactory = () => new StringContent("{\"prompt\":\"hi\"}", Encoding.UTF8, "application/json");
        using var client = new SseClient(server.Events, options);

        List<Received> events = await Received.AllAsync(client);

        Assert.Equal(2, events.Count);
        IReadOnlyList<RecordedRequest> requests = server.Requests;
        Assert.Equal(3, requests.Count);
        Assert.All(requests, r =>
        {
            Assert.Equal("POST", r.Method);
            Assert.Equal("{\"prompt\":\"hi\"}", r.Body);
            Assert.Equal("application/json; charset=utf-8", r.ContentType);
            Assert.Equal("text/event-stream", r.Accept);
        });
        Assert.Equal("7", requests[1].LastEventId);
    }

    [Fact]
    public async Task A_content_header_in_headers_goes_on_the_body()
    {
        await using var server = await ScriptedServer.StartAsync((context, index) => Sse.NoContent(context));
        var options = Fast();
        options.Method = HttpMethod.Post;
        options.ContentFactory = () => new StringContent("x");
        options.Headers["Content-Type"] = "application/vnd.test+json";
        using var client = new SseClient(server.Events, options);

        await Received.AllAsync(client);

        Assert.Equal("application/vnd.test+json", server.Requests[0].ContentType);
    }

    [Fact]
    public async Task A_307_redirect_is_followed_with_the_body_and_reconnects_start_from_the_original_url()
    {
        await using var server = await ScriptedServer.StartAsync((context, index) =>
        {
            if (context.Request.Path == "/start")
            {
                context.Response.StatusCode = 307;
                context.Response.Headers.Location = "/events";
                return Task.CompletedTask;
            }

            return index switch
            {
                1 => Sse.StreamAsync(context, "id: 1\ndata: a\n\n"),
                _ => Sse.NoContent(context),
            };
        });
        var options = Fast();
        options.Method = HttpMethod.Post;
        options.ResendNonIdempotentRequests = true;
        options.ContentFactory = () => new StringContent("body");
        using var client = new SseClient(new Uri(server.BaseAddress, "/start"), options);

        List<Received> events = await Received.AllAsync(client);

        Assert.Equal([new("message", "a", "1")], events);
        IReadOnlyList<RecordedRequest> requests = server.Requests;
        Assert.Equal(["/start", "/events", "/start", "/events"], requests.Select(r => r.Path));
        Assert.All(requests, r => Assert.Equal("body", r.Body));
        Assert.Equal("1", requests[3].LastEventId);
    }

    [Fact]
    public async Task A_content_type_with_a_charset_parameter_opens_the_stream()
    {
        await using var server = await ScriptedServer.StartAsync(async (context, index) =>
        {
            if (index > 0)
            {
                await Sse.NoContent(context);
                return;
            }

            await Sse.StartAsync(context, "text/event-stream; charset=utf-8");
            await Sse.WriteAsync(context, "data: a\n\n");
        });
        using var client = new SseClient(server.Events, Fast());

        Assert.Equal([new("message", "a", "")], await Received.AllAsync(client));
    }

#if !SSECODEC_NETSTANDARD
    [Fact]
    public async Task Works_over_http2_with_a_caller_supplied_HttpClient()
    {
        await using var server = await ScriptedServer.StartAsync(
            (context, index) => index == 0 ? Sse.StreamAsync(context, "data: h2\n\n") : Sse.NoContent(context),
            Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http2);
        using var http = new HttpClient { DefaultRequestVersion = new Version(2, 0), DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var client = new SseClient(http, server.Events, Fast());

        Assert.Equal([new("message", "h2", "")], await Received.AllAsync(client));
        Assert.All(server.Requests, r => Assert.Equal("HTTP/2", r.Protocol));
    }
#else
    // The netstandard2.0 build cannot read HttpClient.DefaultRequestVersion or DefaultVersionPolicy (netstandard2.0 has
    // neither): its requests keep HttpRequestMessage's default version unless ConfigureRequest sets one.
    [Fact]
    public async Task The_netstandard_build_sends_its_default_version_whatever_the_HttpClient_asks()
    {
        await using var server = await ScriptedServer.StartAsync((context, index) => index == 0 ? Sse.StreamAsync(context, "data: h1\n\n") : Sse.NoContent(context));

        // The .NET builds would send HTTP/2 only, which this HTTP/1.1 server refuses.
        using var http = new HttpClient { DefaultRequestVersion = new Version(2, 0), DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var client = new SseClient(http, server.Events, Fast());

        Assert.Equal([new("message", "h1", "")], await Received.AllAsync(client));
        Assert.All(server.Requests, r => Assert.Equal("HTTP/1.1", r.Protocol));
    }

    [Fact]
    public async Task The_netstandard_build_works_over_http2_when_ConfigureRequest_sets_the_version()
    {
        await using var server = await ScriptedServer.StartAsync(
            (context, index) => index == 0 ? Sse.StreamAsync(context, "data: h2\n\n") : Sse.NoContent(context),
            Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http2);
        var options = Fast();
        options.ConfigureRequest = request =>
        {
            request.Version = new Version(2, 0);
            request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
        };
        using var http = new HttpClient();
        using var client = new SseClient(http, server.Events, options);

        Assert.Equal([new("message", "h2", "")], await Received.AllAsync(client));
        Assert.All(server.Requests, r => Assert.Equal("HTTP/2", r.Protocol));
    }

    // The netstandard2.0 build hands HttpClientHandler a non-ASCII ID as its UTF-8 bytes, one char each: .NET Framework's
    // handler writes them as they are; .NET Core's (this run's) refuses non-ASCII header values before sending anything.
    [Fact]
    public async Task The_netstandard_builds_own_handler_on_dotnet_core_refuses_a_non_ascii_last_event_id()
    {
        await using var server = await ScriptedServer.StartAsync((context, index) => Sse.NoContent(context));
        var options = Fast();
        options.LastEventId = "caf\u00E9";
        options.MaxRetries = 0;
        using var client = new SseClient(server.Events, options);

        var failure = await Assert.ThrowsAsync<SseConnectionException>(() => Eventually.Within(Received.AllAsync(client), "the connection to fail"));

        Assert.Equal(SseFailureReason.RetriesExhausted, failure.Reason);
        Assert.Contains("ASCII", Assert.IsType<HttpRequestException>(failure.InnerException).Message);
        Assert.Equal(0, server.RequestCount);
    }
#endif

    [Fact]
    public async Task A_relative_url_resolves_against_the_HttpClient_base_address()
    {
        await using var server = await ScriptedServer.StartAsync((context, index) => Sse.NoContent(context));
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        using var client = new SseClient(http, new Uri("/events", UriKind.Relative), Fast());

        await Received.AllAsync(client);

        Assert.Equal("/events", server.Requests[0].Path);
    }
}

using System.IO.Compression;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace SseCodec.Client.Tests;

/// <summary>A compressed stream is decoded when the handler can, and otherwise fails naming the encoding.</summary>
public sealed class ContentEncodingTests
{
    private static SseClientOptions Fast() => new() { ReconnectionTime = TimeSpan.Zero };

    /// <summary>Sends the events gzip-compressed, flushing the compressor after each, and waits for the client between them.</summary>
    private static async Task GzipStreamAsync(HttpContext context, Task betweenEvents)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.ContentEncoding = "gzip";
        await using var gzip = new GZipStream(context.Response.Body, CompressionLevel.Fastest, leaveOpen: true);
        await gzip.WriteAsync(Encoding.UTF8.GetBytes("id: 1\ndata: zipped\n\n"), context.RequestAborted);
        await gzip.FlushAsync(context.RequestAborted);
        await betweenEvents.WaitAsync(context.RequestAborted);
        await gzip.WriteAsync(Encoding.UTF8.GetBytes("id: 2\ndata: live\n\n"), context.RequestAborted);
    }

    [Fact]
    public async Task The_clients_own_handler_decodes_a_gzip_stream_event_by_event()
    {
        var firstSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await ScriptedServer.StartAsync((context, index) => index switch
        {
            0 => GzipStreamAsync(context, firstSeen.Task),
            _ => Sse.NoContent(context),
        });
        using var client = new SseClient(server.Events, Fast());
        var events = new List<Received>();

        await Eventually.Within(Task.Run(async () =>
        {
            await foreach (SseEvent e in client)
            {
                events.Add(Received.From(e));
                firstSeen.TrySetResult();
            }
        }), "the stream to end");

        Assert.Equal([new("message", "zipped", "1"), new("message", "live", "2")], events);
        Assert.Contains("gzip", server.Requests[0].Headers["Accept-Encoding"]);
    }

    [Fact]
    public async Task The_clients_own_handler_asks_for_the_encodings_it_decodes()
    {
        await using var server = await ScriptedServer.StartAsync((context, index) => Sse.NoContent(context));
        using var client = new SseClient(server.Events, Fast());

        await Eventually.Within(Received.AllAsync(client), "the 204");

        string[] accepted = server.Requests[0].Headers["Accept-Encoding"].Split(',', StringSplitOptions.TrimEntries);
        Assert.Contains("gzip", accepted);
        Assert.Contains("deflate", accepted);
#if SSECODEC_NETSTANDARD
        // netstandard2.0 has no SocketsHttpHandler; HttpClientHandler there has no brotli.
        Assert.DoesNotContain("br", accepted);
#else
        Assert.Contains("br", accepted);
#endif
    }

    [Fact]
    public async Task A_gzip_stream_the_handler_does_not_decode_fails_naming_the_encoding()
    {
        await using var server = await ScriptedServer.StartAsync((context, index) => GzipStreamAsync(context, Task.CompletedTask));
        using var http = new HttpClient();
        using var client = new SseClient(http, server.Events, Fast());
        var lifecycle = new Lifecycle(client);

        var failure = await Assert.ThrowsAsync<SseConnectionException>(() => Eventually.Within(Received.AllAsync(client), "the connection to fail"));

        Assert.Equal(SseFailureReason.UnsupportedContentEncoding, failure.Reason);
        Assert.Contains("Content-Encoding: gzip", failure.Message);
        Assert.Equal(1, server.RequestCount);
        Assert.Equal(["error UnsupportedContentEncoding final", "closed Failed"], lifecycle.Log);
    }
}

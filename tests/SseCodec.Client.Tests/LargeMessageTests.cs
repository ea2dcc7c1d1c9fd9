using System.Text;

namespace SseCodec.Client.Tests;

/// <summary>The client's default limits take the multi-megabyte one-line events of real streams, and still stop an endless line.</summary>
public sealed class LargeMessageTests
{
    [Fact]
    public async Task A_10_MB_single_line_event_is_delivered_intact_with_default_options()
    {
        var payload = new StringBuilder(10_000_000);
        for (int i = 0; payload.Length < 10_000_000; i++)
        {
            payload.Append(i % 1000).Append(',');
        }

        string data = payload.ToString();
        await using var server = await ScriptedServer.StartAsync((context, index) => index switch
        {
            0 => Sse.StreamAsync(context, "event: big\ndata: " + data + "\n\n"),
            _ => Sse.NoContent(context),
        });
        using var client = new SseClient(server.Events, new SseClientOptions { ReconnectionTime = TimeSpan.Zero });

        List<Received> events = await Eventually.Within(Received.AllAsync(client), "the stream to end");

        Received e = Assert.Single(events);
        Assert.Equal("big", e.Type);
        Assert.Equal(data.Length, e.Data.Length);
        Assert.Equal(data, e.Data);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(256 * 1024)]
    public async Task An_endless_line_fails_at_the_cap_with_an_error_naming_the_limit(int? maxLineLength)
    {
        int cap = maxLineLength ?? SseClientOptions.DefaultMaxMessageSize;
        byte[] chunk = Encoding.ASCII.GetBytes(new string('x', 64 * 1024));
        int chunksSent = 0;
        await using var server = await ScriptedServer.StartAsync(async (context, index) =>
        {
            await Sse.StartAsync(context);
            await Sse.WriteAsync(context, "data: ");

            // Endless as far as the client can tell; bounded here so a client without a cap cannot make the test run away.
            for (int i = 0; i < (cap / chunk.Length) + 64; i++)
            {
                await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
                Interlocked.Increment(ref chunksSent);
            }
        });
        var options = new SseClientOptions { ReconnectionTime = TimeSpan.Zero };
        if (maxLineLength is { } max)
        {
            options.ParserOptions = new SseParserOptions { MaxLineLength = max };
        }

        using var client = new SseClient(server.Events, options);

        var failure = await Assert.ThrowsAsync<SseConnectionException>(() => Eventually.Within(Received.AllAsync(client), "the limit to stop the line"));

        Assert.Equal(SseFailureReason.LimitExceeded, failure.Reason);
        var limit = Assert.IsType<SseLimitExceededException>(failure.InnerException);
        Assert.Equal("MaxLineLength", limit.LimitName);
        Assert.Equal(cap, limit.Limit);
        Assert.Contains("MaxLineLength", failure.Message);
        Assert.Equal(1, server.RequestCount);
    }
}

using Microsoft.Extensions.DependencyInjection;

namespace SseCodec.Client.Http.Tests;

/// <summary>How a non-ASCII last event ID goes out, chosen on the options, through the client <c>AddSseClient</c> registers.</summary>
public sealed class LastEventIdEncodingTests
{
    private static SseClient CreateThroughDependencyInjection(ServiceProvider provider, Uri url, SseLastEventIdEncoding encoding, string lastEventId) =>
        provider.GetRequiredService<ISseClientFactory>().CreateClient(
            "events",
            url,
            new SseClientOptions { LastEventId = lastEventId, LastEventIdEncoding = encoding, ReconnectionTime = TimeSpan.Zero, MaxRetries = 0 });

    private static ServiceProvider Services()
    {
        var services = new ServiceCollection();
        services.AddSseClient("events");
        return services.BuildServiceProvider();
    }

    [Theory]
    [InlineData(SseLastEventIdEncoding.Utf8, "\u00E91", new byte[] { 0xC3, 0xA9, (byte)'1' })]
    [InlineData(SseLastEventIdEncoding.PercentEncoded, "\u00E91", new byte[] { (byte)'%', (byte)'C', (byte)'3', (byte)'%', (byte)'A', (byte)'9', (byte)'1' })]
    [InlineData(SseLastEventIdEncoding.PercentEncoded, "50% a", new byte[] { (byte)'5', (byte)'0', (byte)'%', (byte)'2', (byte)'5', (byte)'%', (byte)'2', (byte)'0', (byte)'a' })]
    [InlineData(SseLastEventIdEncoding.PercentEncoded, "ab-1:2", new byte[] { (byte)'a', (byte)'b', (byte)'-', (byte)'1', (byte)':', (byte)'2' })]
    [InlineData(SseLastEventIdEncoding.AsciiOnly, "ab-1", new byte[] { (byte)'a', (byte)'b', (byte)'-', (byte)'1' })]
    public async Task The_chosen_encoding_is_what_the_server_receives(SseLastEventIdEncoding encoding, string lastEventId, byte[] expected)
    {
        using var server = RawRequestServer.Start();
        using ServiceProvider provider = Services();
        using SseClient client = CreateThroughDependencyInjection(provider, server.Url, encoding, lastEventId);

#if SSECODEC_NETSTANDARD
        if (encoding == SseLastEventIdEncoding.Utf8 && lastEventId.Any(c => c > 0x7F))
        {
            // The netstandard2.0 build cannot give the handler a UTF-8 header encoding (README, "The client on
            // netstandard2.0"): .NET's handler refuses the non-ASCII header, and the connection fails as a network error.
            var failure = await Assert.ThrowsAsync<SseConnectionException>(() => Eventually.Within(Received.AllAsync(client), "the failure"));
            Assert.Equal(SseFailureReason.RetriesExhausted, failure.Reason);
            Assert.IsType<HttpRequestException>(failure.InnerException);
            return;
        }
#endif

        Assert.Empty(await Eventually.Within(Received.AllAsync(client), "the 204"));

        byte[] head = await Eventually.Within(server.RequestHead, "the request");
        Assert.Equal(expected, RawRequestServer.HeaderValue(head, "Last-Event-ID"));
    }

    [Fact]
    public async Task A_percent_encoded_id_from_the_server_comes_back_with_UnescapeDataString()
    {
        await using var server = await ScriptedServer.StartAsync((context, index) => index switch
        {
            0 => Sse.StreamAsync(context, "id: caf\u00E9 50%\ndata: a\n\n"),
            _ => Sse.NoContent(context),
        });
        using ServiceProvider provider = Services();
        using SseClient client = provider.GetRequiredService<ISseClientFactory>().CreateClient(
            "events", server.Events, new SseClientOptions { LastEventIdEncoding = SseLastEventIdEncoding.PercentEncoded, ReconnectionTime = TimeSpan.Zero });

        Assert.Equal([new("message", "a", "caf\u00E9 50%")], await Eventually.Within(Received.AllAsync(client), "the stream to end"));

        Assert.Equal("caf%C3%A9%2050%25", server.Requests[1].LastEventId);
        Assert.Equal("caf\u00E9 50%", Uri.UnescapeDataString(server.Requests[1].LastEventId!));
    }

    [Fact]
    public async Task Ascii_only_fails_the_connection_instead_of_sending_a_non_ascii_id_from_the_server()
    {
        await using var server = await ScriptedServer.StartAsync((context, index) => Sse.StreamAsync(context, "id: \u00E9\ndata: a\n\n"));
        using ServiceProvider provider = Services();
        using SseClient client = provider.GetRequiredService<ISseClientFactory>().CreateClient(
            "events", server.Events, new SseClientOptions { LastEventIdEncoding = SseLastEventIdEncoding.AsciiOnly, ReconnectionTime = TimeSpan.Zero });
        var lifecycle = new Lifecycle(client);
        var events = new List<Received>();

        var failure = await Assert.ThrowsAsync<SseConnectionException>(() => Eventually.Within(Task.Run(async () =>
        {
            await foreach (SseEvent e in client)
            {
                events.Add(Received.From(e));
            }
        }), "the connection to fail"));

        Assert.Equal(SseFailureReason.NonAsciiLastEventId, failure.Reason);
        Assert.Contains("AsciiOnly", failure.Message);
        Assert.Equal([new("message", "a", "\u00E9")], events);
        Assert.Equal(1, server.RequestCount);
        Assert.Equal(["opened 200", "error EndOfStream reconnect", "reconnect #1 id=\u00E9", "error NonAsciiLastEventId final", "closed Failed"], lifecycle.Log);
    }
}

using System.Net;

namespace SseCodec.Client.Tests.Infrastructure;

/// <summary>
/// An HTTP handler that answers every request with a 200 <c>text/event-stream</c> whose body is <paramref name="body"/>,
/// read at most 4 KiB at a time and at once (no socket): the whole read path runs on the reading thread.
/// </summary>
/// <param name="body">The body's bytes.</param>
/// <param name="endless"><see langword="true"/> to repeat <paramref name="body"/> forever, a server that never stops sending.</param>
internal sealed class InMemoryEventStream(byte[] body, bool endless = false) : HttpMessageHandler
{
    public static readonly Uri Url = new("http://in-memory/events");

    private const int ReadSize = 4096;

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ChunkedReadStream stream = endless
            ? ChunkedReadStream.Endless(body, ReadSize)
            : new ChunkedReadStream(body, ReadSize, completeAsynchronously: false);
        var content = new StreamContent(stream);
        content.Headers.ContentType = new("text/event-stream");
        return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = content, RequestMessage = request });
    }
}

using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Text;

namespace SseCodec.Testing;

/// <summary>Event stream clients over <see cref="HttpClient"/>: SseCodec's own parser, or System.Net.ServerSentEvents.</summary>
public static class Clients
{
    /// <summary>Opens an event stream with SseCodec's parser (SseReader over the HttpClient response stream).</summary>
    public static async Task<(HttpResponseMessage Response, SseReader Reader)> OpenAsync(HttpClient client, string path, string? lastEventId = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        HttpResponseMessage response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        Stream body = await response.Content.ReadAsStreamAsync(cancellationToken);
        return (response, new SseReader(body));
    }

    /// <summary>Reads events with SseCodec's parser until <paramref name="count"/> arrived or the stream ends.</summary>
    public static async Task<List<Received>> ReadAsync(SseReader reader, int count = int.MaxValue, CancellationToken cancellationToken = default)
    {
        var list = new List<Received>();
        while (list.Count < count && await reader.ReadAsync(cancellationToken))
        {
            list.Add(Received.From(reader.Current));
        }

        return list;
    }

    /// <summary>Reads a whole stream with HttpClient and System.Net.ServerSentEvents.SseParser.</summary>
    public static async Task<List<Received>> ReadWithSseParserAsync(HttpClient client, string path, CancellationToken cancellationToken = default)
    {
        using HttpResponseMessage response = await client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        await using Stream body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var list = new List<Received>();
        SseParser<string> parser = SseParser.Create(body, (type, data) => Encoding.UTF8.GetString(data));
        await foreach (SseItem<string> item in parser.EnumerateAsync(cancellationToken))
        {
            list.Add(new Received(item.EventType, item.Data, parser.LastEventId));
        }

        return list;
    }
}

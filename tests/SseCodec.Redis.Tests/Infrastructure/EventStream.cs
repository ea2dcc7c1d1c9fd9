namespace SseCodec.Redis.Tests.Infrastructure;

/// <summary>A client's open event stream on one node, read with SseCodec's parser.</summary>
internal sealed class EventStream : IDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly SseReader _reader;

    private EventStream(HttpResponseMessage response, SseReader reader)
    {
        _response = response;
        _reader = reader;
    }

    /// <summary>Opens <c>/events</c> (with <paramref name="query"/>) and returns once the response has started.</summary>
    public static async Task<EventStream> OpenAsync(Node node, string? lastEventId = null, string query = "")
    {
        using var patience = new CancellationTokenSource(Eventually.HangGuard);
        var (response, reader) = await Clients.OpenAsync(node.Client, "/events" + query, lastEventId, patience.Token);
        response.EnsureSuccessStatusCode();
        return new EventStream(response, reader);
    }

    /// <summary>Reads exactly <paramref name="count"/> events; fails if the stream ends or stalls first.</summary>
    public async Task<List<Received>> ReadAsync(int count)
    {
        using var patience = new CancellationTokenSource(Eventually.HangGuard);
        List<Received> events = await Clients.ReadAsync(_reader, count, patience.Token);
        Assert.True(events.Count == count, $"The stream ended after {events.Count} of {count} events: {string.Join(", ", events.Select(e => e.Id))}.");
        return events;
    }

    /// <summary>Reads until the event with ID <paramref name="lastId"/> arrives.</summary>
    public async Task<List<Received>> ReadThroughAsync(string lastId)
    {
        using var patience = new CancellationTokenSource(Eventually.HangGuard);
        var events = new List<Received>();
        while (events.Count == 0 || events[^1].Id != lastId)
        {
            List<Received> one = await Clients.ReadAsync(_reader, 1, patience.Token);
            Assert.True(one.Count == 1, $"The stream ended before id {lastId}, after: {string.Join(", ", events.Select(e => e.Id))}.");
            events.Add(one[0]);
        }

        return events;
    }

    /// <summary>Asserts that the stream ends before another event arrives.</summary>
    public async Task AssertEndsAsync()
    {
        using var patience = new CancellationTokenSource(Eventually.HangGuard);
        List<Received> more = await Clients.ReadAsync(_reader, 1, patience.Token);
        Assert.True(more.Count == 0, $"The stream went on with event {more.FirstOrDefault()?.Id} instead of ending.");
    }

    public void Dispose()
    {
        _reader.Dispose();
        _response.Dispose();
    }
}

namespace SseCodec.Client.Tests.Infrastructure;

/// <summary>An event copied out of the zero-allocation view, so tests can compare lists.</summary>
internal sealed record Received(string Type, string Data, string Id)
{
    public static Received From(SseEvent e) => new(e.EventType, e.GetDataString(), e.LastEventId);

    public static async Task<List<Received>> AllAsync(SseClient client, CancellationToken cancellationToken = default)
    {
        var list = new List<Received>();
        await foreach (SseEvent e in client.ReadAllAsync(cancellationToken))
        {
            list.Add(From(e));
        }

        return list;
    }
}

/// <summary>Records every notification a client raises, in order, as short strings.</summary>
internal sealed class Lifecycle
{
    private readonly List<string> _log = [];

    public Lifecycle(SseClient client)
    {
        client.Opened += (_, e) => Add($"opened {(int)e.StatusCode}");
        client.Error += (_, e) => Add($"error {e.Reason}{(e.WillReconnect ? " reconnect" : " final")}");
        client.ReconnectScheduled += (_, e) =>
        {
            Delays.Add(e.Delay);
            Add($"reconnect #{e.Attempt} id={e.LastEventId}");
        };
        client.Closed += (_, e) => Add($"closed {e.Reason}");
    }

    public List<TimeSpan> Delays { get; } = [];

    public IReadOnlyList<string> Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToList();
            }
        }
    }

    private void Add(string entry)
    {
        lock (_log)
        {
            _log.Add(entry);
        }
    }
}

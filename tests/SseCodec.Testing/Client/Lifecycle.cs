using SseCodec.Client;

namespace SseCodec.Testing;

/// <summary>Records every notification an <see cref="SseClient"/> raises, in order, as short strings.</summary>
public sealed class Lifecycle
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

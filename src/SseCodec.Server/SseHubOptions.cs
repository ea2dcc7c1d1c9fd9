namespace SseCodec.Server;

/// <summary>What an <see cref="SseHub"/> does when a connection's queue is full.</summary>
public enum SseSlowClientPolicy
{
    /// <summary>Drop the connection's oldest queued event to make room: the client misses events but stays connected.</summary>
    DropOldest,

    /// <summary>Disconnect the client: it reconnects with its <c>Last-Event-ID</c> and, with a history, catches up.</summary>
    Disconnect,
}

/// <summary>Options for an <see cref="SseHub"/>.</summary>
public sealed class SseHubOptions
{
    private int _queueCapacity = 256;

    /// <summary>The most events queued for one connection that has not written them yet; at least 1. Default: 256.</summary>
    public int QueueCapacity
    {
        get => _queueCapacity;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _queueCapacity = value;
        }
    }

    /// <summary>What to do when a connection's queue is full. Default: <see cref="SseSlowClientPolicy.DropOldest"/>.</summary>
    public SseSlowClientPolicy SlowClientPolicy { get; set; } = SseSlowClientPolicy.DropOldest;

    /// <summary>Where published events are kept for replay on reconnection; none when <see langword="null"/> (the default).</summary>
    public ISseEventHistory? History { get; set; }

    /// <summary>The hub's name, the <c>hub</c> tag on its metrics. Default: <c>default</c>.</summary>
    public string Name { get; set; } = "default";
}

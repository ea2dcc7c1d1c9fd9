using System.Diagnostics.Metrics;

namespace SseCodec.Redis.Tests.Infrastructure;

/// <summary>Sums one counter's measurements that carry one tag value, and completes a task at the first one.</summary>
internal sealed class CounterWatch : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly TaskCompletionSource _first = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _value;

    public CounterWatch(string meter, string instrument, string tag, string tagValue)
    {
        _listener.InstrumentPublished = (published, listener) =>
        {
            if (published.Meter.Name == meter && published.Name == instrument)
            {
                listener.EnableMeasurementEvents(published);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (KeyValuePair<string, object?> pair in tags)
            {
                if (pair.Key == tag && (string?)pair.Value == tagValue)
                {
                    Interlocked.Add(ref _value, value);
                    _first.TrySetResult();
                }
            }
        });
        _listener.Start();
    }

    public long Value => Interlocked.Read(ref _value);

    /// <summary>Completes at the first measurement.</summary>
    public Task First => _first.Task;

    public void Dispose() => _listener.Dispose();
}

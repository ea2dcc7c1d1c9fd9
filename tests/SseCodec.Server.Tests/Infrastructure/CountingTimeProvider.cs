using Microsoft.Extensions.Time.Testing;

namespace SseCodec.Server.Tests.Infrastructure;

/// <summary>A <see cref="FakeTimeProvider"/> that counts the timers created from it and not yet disposed.</summary>
internal sealed class CountingTimeProvider : FakeTimeProvider
{
    private int _liveTimers;

    /// <summary>Timers created and not yet disposed: a stream that ended must leave none.</summary>
    public int LiveTimers => Volatile.Read(ref _liveTimers);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        Interlocked.Increment(ref _liveTimers);
        return new CountedTimer(base.CreateTimer(callback, state, dueTime, period), this);
    }

    private sealed class CountedTimer(ITimer inner, CountingTimeProvider owner) : ITimer
    {
        private int _disposed;

        public bool Change(TimeSpan dueTime, TimeSpan period) => inner.Change(dueTime, period);

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                Interlocked.Decrement(ref owner._liveTimers);
            }

            inner.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return default;
        }
    }
}

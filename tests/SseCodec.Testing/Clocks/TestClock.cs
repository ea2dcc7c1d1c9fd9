using Microsoft.Extensions.Time.Testing;

namespace SseCodec.Testing;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that also tells what the code under test is waiting for: the timers it armed and
/// not yet fired, a task for "a wait of this length is armed", so that a test moves time exactly when the code waits,
/// without watching the real clock, and how many of its timers are not disposed yet.
/// </summary>
public sealed class TestClock : FakeTimeProvider
{
    private readonly object _gate = new();
    private readonly List<WatchedTimer> _timers = [];
    private readonly List<(Func<IReadOnlyList<TimeSpan>, bool> Condition, TaskCompletionSource Done)> _watchers = [];

    /// <summary>How far from now each armed timer falls due, shortest first.</summary>
    public IReadOnlyList<TimeSpan> PendingDelays
    {
        get
        {
            lock (_gate)
            {
                return PendingDelaysLocked();
            }
        }
    }

    /// <summary>Timers created and not yet disposed: a stream that ended must leave none.</summary>
    public int LiveTimers
    {
        get
        {
            lock (_gate)
            {
                return _timers.Count;
            }
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new WatchedTimer(this, callback, state);
        timer.Inner = base.CreateTimer(static s => ((WatchedTimer)s!).Fire(), timer, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Completes when a timer is armed to fall due exactly <paramref name="delay"/> from now.</summary>
    public Task WaitArmedAsync(TimeSpan delay) => WhenAsync(delays => delays.Contains(delay));

    /// <summary>Completes when any timer is armed.</summary>
    public Task AnyArmedAsync() => WhenAsync(delays => delays.Count > 0);

    /// <summary>Waits until the code has armed a wait (or <paramref name="done"/> completed), then advances past the shortest.</summary>
    /// <returns>The wait passed, or null when <paramref name="done"/> completed first.</returns>
    public async Task<TimeSpan?> PassNextWaitAsync(Task done)
    {
        await Eventually.Within(Task.WhenAny(AnyArmedAsync(), done), "a wait to be armed or the work to finish");
        IReadOnlyList<TimeSpan> pending = PendingDelays;
        if (pending.Count == 0)
        {
            return null;
        }

        Advance(pending[0]);
        return pending[0];
    }

    /// <summary>Passes every wait the code arms until <paramref name="done"/> completes, failing after <paramref name="maxWaits"/> of them.</summary>
    public async Task RunUntilAsync(Task done, int maxWaits = 100)
    {
        for (int waits = 0; await PassNextWaitAsync(done) is not null; waits++)
        {
            if (waits == maxWaits)
            {
                throw new InvalidOperationException($"Still waiting after {maxWaits} waits.");
            }
        }
    }

    private Task WhenAsync(Func<IReadOnlyList<TimeSpan>, bool> condition)
    {
        lock (_gate)
        {
            if (condition(PendingDelaysLocked()))
            {
                return Task.CompletedTask;
            }

            // Completed from inside the code's calls (CancelAfter, Task.Delay): the test goes on elsewhere.
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _watchers.Add((condition, done));
            return done.Task;
        }
    }

    private List<TimeSpan> PendingDelaysLocked()
    {
        DateTimeOffset now = GetUtcNow();
        return _timers.Where(t => t.Due is not null).Select(t => t.Due!.Value - now).Order().ToList();
    }

    private void Changed()
    {
        lock (_gate)
        {
            List<TimeSpan> delays = PendingDelaysLocked();
            for (int i = _watchers.Count - 1; i >= 0; i--)
            {
                if (_watchers[i].Condition(delays))
                {
                    _watchers[i].Done.SetResult();
                    _watchers.RemoveAt(i);
                }
            }
        }
    }

    private sealed class WatchedTimer(TestClock clock, TimerCallback callback, object? state) : ITimer
    {
        public ITimer Inner { get; set; } = null!;

        public DateTimeOffset? Due { get; private set; }

        private TimeSpan Period { get; set; }

        private bool Disposed { get; set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (clock._gate)
            {
                if (Disposed)
                {
                    // As a disposed timer does: nothing changes, and it is not counted again.
                    return false;
                }

                Due = dueTime == Timeout.InfiniteTimeSpan ? null : clock.GetUtcNow() + dueTime;
                Period = period;
                if (!clock._timers.Contains(this))
                {
                    clock._timers.Add(this);
                }
            }

            bool changed = Inner.Change(dueTime, period);
            clock.Changed();
            return changed;
        }

        public void Fire()
        {
            lock (clock._gate)
            {
                Due = Period > TimeSpan.Zero && Period != Timeout.InfiniteTimeSpan ? clock.GetUtcNow() + Period : null;
            }

            callback(state);
            clock.Changed();
        }

        public void Dispose()
        {
            lock (clock._gate)
            {
                Disposed = true;
                clock._timers.Remove(this);
            }

            Inner.Dispose();
            clock.Changed();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}

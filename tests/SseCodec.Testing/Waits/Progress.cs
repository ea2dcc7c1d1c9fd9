namespace SseCodec.Testing;

/// <summary>A counter that can be awaited: a test waits for it to reach a value instead of sleeping.</summary>
public sealed class Progress
{
    private readonly object _gate = new();
    private readonly List<(long Target, TaskCompletionSource Done)> _waiters = [];
    private long _value;

    public long Value => Interlocked.Read(ref _value);

    public void Add(long n = 1)
    {
        lock (_gate)
        {
            _value += n;
            for (int i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_value >= _waiters[i].Target)
                {
                    _waiters[i].Done.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }
    }

    public Task WhenAtLeast(long target)
    {
        lock (_gate)
        {
            if (_value >= target)
            {
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((target, done));
            return done.Task;
        }
    }
}

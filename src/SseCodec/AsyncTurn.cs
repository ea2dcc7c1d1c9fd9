namespace SseCodec;

/// <summary>
/// A turn that async callers take one at a time, for <see cref="SseWriter"/>. Taking a free turn and giving it back
/// cost one interlocked operation each, where a <see cref="SemaphoreSlim"/> takes a monitor lock for each (about a
/// sixth of a per-item write to a pipe). Only a caller that finds the turn taken waits, in line, behind a lock.
/// </summary>
internal sealed class AsyncTurn
{
    /// <summary>0 when the turn is free; otherwise 1 for its holder plus 1 for each caller waiting in line.</summary>
    private int _takers;

    /// <summary>Guards <see cref="_line"/>, and every change of <see cref="_takers"/> that involves a waiting caller.</summary>
    private readonly object _gate = new();

    private readonly Queue<TaskCompletionSource> _line = new();

    /// <summary>Takes the turn: at once if it is free, otherwise when every caller before this one has given it back.</summary>
    /// <param name="cancellationToken">Cancels the wait; a canceled caller leaves the line and never gets the turn.</param>
    public ValueTask TakeAsync(CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        if (Interlocked.CompareExchange(ref _takers, 1, 0) == 0)
        {
            return default;
        }

        return WaitInLineAsync(cancellationToken);
    }

    /// <summary>Gives the turn back: to the first caller in line, if any.</summary>
    public void GiveBack()
    {
        if (Interlocked.CompareExchange(ref _takers, 0, 1) == 1)
        {
            return;
        }

        lock (_gate)
        {
            while (_line.TryDequeue(out TaskCompletionSource? next))
            {
                // A canceled caller already left the count; its place is only skipped.
                if (next.TrySetResult())
                {
                    // The turn passes to it: still one holder, one fewer waiting.
                    Interlocked.Decrement(ref _takers);
                    return;
                }
            }

            // Everyone in line left: the turn is free.
            int takers = Interlocked.Exchange(ref _takers, 0);
            Debug.Assert(takers == 1, "The turn was given back with callers counted but none in line.");
        }
    }

    private async ValueTask WaitInLineAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource place;
        lock (_gate)
        {
            while (true)
            {
                int takers = Volatile.Read(ref _takers);
                if (takers == 0)
                {
                    // Given back meanwhile.
                    if (Interlocked.CompareExchange(ref _takers, 1, 0) == 0)
                    {
                        return;
                    }
                }
                else if (Interlocked.CompareExchange(ref _takers, takers + 1, takers) == takers)
                {
                    break;
                }
            }

            // Whoever gives the turn back completes the place under the gate: this caller's code must not run there.
            place = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _line.Enqueue(place);
        }

        if (!cancellationToken.CanBeCanceled)
        {
            await place.Task.ConfigureAwait(false);
            return;
        }

        using (cancellationToken.UnsafeRegister(static state => ((Waiter)state!).Leave(), new Waiter(this, place, cancellationToken)))
        {
            await place.Task.ConfigureAwait(false);
        }
    }

    /// <summary>A caller in line, for its cancellation.</summary>
    private sealed class Waiter(AsyncTurn turn, TaskCompletionSource place, CancellationToken cancellationToken)
    {
        public void Leave()
        {
            lock (turn._gate)
            {
                // Unless the turn reached it first, it leaves the line (its place stays, to be skipped).
                if (place.TrySetCanceled(cancellationToken))
                {
                    Interlocked.Decrement(ref turn._takers);
                }
            }
        }
    }
}

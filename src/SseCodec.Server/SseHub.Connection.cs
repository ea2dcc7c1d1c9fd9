using System.Buffers;
using System.IO.Pipelines;
using System.Threading.Channels;

namespace SseCodec.Server;

/// <summary>One subscriber: its bounded queue and where it stands against the hub's sequence of events.</summary>
public sealed partial class SseHub
{
    private sealed class Connection
    {
        private readonly SseHub _hub;
        private readonly SseSession _session;
        private readonly Channel<PooledEvent> _queue;
        private readonly bool _disconnectWhenFull;
        private readonly bool _hasHistory;
        private readonly long _maxReplayBytes;

        // Written under the hub's lock; read without it by the connection's loop.
        private volatile bool _behind;
        private volatile bool _slow;
        private volatile bool _closed;
        private volatile bool _replaying;
        private long _dropped;

        public Connection(SseHub hub, SseSession session, string[] groups, bool resuming)
        {
            _hub = hub;
            _session = session;
            Groups = groups;
            _disconnectWhenFull = hub._options.SlowClientPolicy == SseSlowClientPolicy.Disconnect;
            _hasHistory = hub._options.History is not null;
            _maxReplayBytes = hub._options.MaxReplayBytes;
            _behind = resuming;
            _replaying = resuming;

            // Full mode Wait makes TryWrite fail on a full queue, so that the hub decides: catch up, disconnect or drop.
            _queue = Channel.CreateBounded<PooledEvent>(new BoundedChannelOptions(hub._options.QueueCapacity)
            {
                SingleReader = false,
                SingleWriter = false,
                FullMode = BoundedChannelFullMode.Wait,
            });
        }

        public string[] Groups { get; }

        public ChannelReader<PooledEvent> Reader => _queue.Reader;

        public bool IsSlow => _slow;

        /// <summary>Live events are not queued: the loop reads them from the history.</summary>
        public bool IsBehind => _behind;

        /// <summary>The sequence number of the last event this connection has written or had no need of; the loop's alone.</summary>
        public long DeliveredThrough { get; set; }

        public bool ReplayLimitReached { get; private set; }

        public long Dropped => Interlocked.Read(ref _dropped);

        private long ReplayedBytes { get; set; }

        public bool Accepts(string? group) => group is null || Array.IndexOf(Groups, group) >= 0;

        /// <summary>Queues an event; called under the hub's lock.</summary>
        public Delivery Enqueue(PooledEvent e)
        {
            if (_behind || _slow || _closed)
            {
                // Behind, the history holds it; slow or closed, the connection is ending.
                return Delivery.Queued;
            }

            e.AddRef();
            if (_queue.Writer.TryWrite(e))
            {
                return Delivery.Queued;
            }

            e.Release();
            _hub.AfterQueueFull?.Invoke();
            if (_closed)
            {
                return Delivery.Queued;
            }

            if (_hasHistory && (_disconnectWhenFull || _replaying))
            {
                // Nothing is lost: the loop writes what is queued, then continues from the history.
                _behind = true;
                _replaying = true;

                // Since the write failed, the loop may have emptied the queue and started waiting on it, and from now
                // on nothing is queued: it would wait for good (sse demo once stopped after 656 of 100,000 events). So
                // the event is offered once more. Taken, it wakes the loop, which writes it and then sees it is behind;
                // refused, the queue is still full, and the loop sees it is behind once it has written what is there
                // (the channel's lock orders that read after this write of _behind).
                e.AddRef();
                if (!_queue.Writer.TryWrite(e))
                {
                    e.Release();
                }

                return Delivery.Queued;
            }

            if (_disconnectWhenFull)
            {
                _slow = true;
                _queue.Writer.TryComplete();
                _hub.OnDropped();
                return Delivery.Disconnect;
            }

            if (_queue.Reader.TryRead(out PooledEvent? oldest))
            {
                oldest.Release();
            }

            e.AddRef();
            if (!_queue.Writer.TryWrite(e))
            {
                e.Release();
            }

            _hub.OnDropped();
            return Interlocked.Increment(ref _dropped) == 1 ? Delivery.FirstDrop : Delivery.Queued;
        }

        /// <summary>Called under the hub's lock when a catch-up starts: live events are queued again from now on.</summary>
        public void Rejoin() => _behind = false;

        /// <summary>After a batch from the queue: once it has caught up and emptied its queue, a connection is live.</summary>
        public void OnDrained()
        {
            if (_replaying && !_behind && _queue.Reader.Count == 0)
            {
                _replaying = false;
            }
        }

        public void Disconnect()
        {
            try
            {
                _session.Abort();
            }
#pragma warning disable CA1031 // A thread-pool work item has no caller: an exception here would end the process.
            catch (Exception e)
#pragma warning restore CA1031
            {
                SseHubLog.DisconnectFailed(_hub._options.Logger, _hub.Name, e);
            }
        }

        public void Complete()
        {
            _closed = true;
            _queue.Writer.TryComplete();
        }

        public void Cancel(CancellationToken canceled)
        {
            _closed = true;
            _queue.Writer.TryComplete(new OperationCanceledException(canceled));
        }

        public void Drain(PipeWriter writer)
        {
            long bytes = 0;
            int n = 0;
            while (n++ < 256 && _queue.Reader.TryRead(out PooledEvent? e))
            {
                if (e.Sequence > DeliveredThrough)
                {
                    writer.Write(e.Span);
                    bytes += e.Length;
                    DeliveredThrough = e.Sequence;
                }

                e.Release();
            }

            _hub.OnWritten(bytes);
        }

        /// <summary>Writes a page of history events this connection has not had and may see, within the replay limit.</summary>
        public void WriteFromHistory(PipeWriter writer, IReadOnlyList<SseHistoryEntry> events)
        {
            long bytes = 0;
            // Indexed: enumerating an IReadOnlyList through its interface allocates an enumerator per page.
            for (int i = 0; i < events.Count; i++)
            {
                SseHistoryEntry entry = events[i];
                if (entry.Sequence <= DeliveredThrough)
                {
                    continue;
                }

                if (Accepts(entry.Group))
                {
                    int length = entry.Utf8Event.Length;
                    if (ReplayedBytes > 0 && ReplayedBytes + length > _maxReplayBytes)
                    {
                        ReplayLimitReached = true;
                        break;
                    }

                    writer.Write(entry.Utf8Event.Span);
                    ReplayedBytes += length;
                    bytes += length;
                }

                DeliveredThrough = entry.Sequence;
            }

            _hub.OnWritten(bytes);
        }

        public void ReleaseQueued()
        {
            while (_queue.Reader.TryRead(out PooledEvent? e))
            {
                e.Release();
            }
        }
    }

    private enum Delivery
    {
        Queued,
        FirstDrop,
        Disconnect,
    }
}

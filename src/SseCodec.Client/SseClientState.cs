using System.Text;

namespace SseCodec.Client;

/// <summary>
/// The state machine of an <see cref="SseClient"/>, shared by the reading flow and the threads that call
/// <c>Close</c>, <c>Restart</c> and <c>Dispose</c>: the ready state, whether a read is in progress, the pending close or
/// restart, the current connection attempt, and where the next connection resumes (last event ID, reconnection time).
/// </summary>
/// <remarks>
/// Everything here is guarded by one gate, but for the end of a read's fast path (see <see cref="EndFastRead"/>). The
/// connection and decoder belong to the reading flow; this releases them, under the gate, through the callbacks the
/// client gives it, so that a read that starts next never sees them half released. A close while no read is in
/// progress only aborts the response: the consumer may be looking at the current event, whose bytes are in the
/// reader's and decoder's buffers, so those are returned by the reading flow's next read, or by <c>Dispose</c>.
/// </remarks>
internal sealed class SseClientState
{
    private readonly Lock _gate = new();
    private readonly Action _releaseConnection;
    private readonly Action _abortConnection;
    private SseReadyState _readyState;
    private ConnectionAttempt? _attempt;
    private bool _reading;
    private bool _closeRequested;
    private bool _restartRequested;
    private bool _disposed;
    private byte[] _lastEventId;
    private TimeSpan? _reconnectionTime;

    /// <param name="lastEventId">The last event ID to resume from, as UTF-8; empty for none.</param>
    /// <param name="releaseConnection">Aborts the connection, returns the reader's and decoder's buffers and ends the attempt; called under the gate while no read is in progress.</param>
    /// <param name="abortConnection">Aborts the response only, leaving the current event readable; called under the gate while no read is in progress.</param>
    public SseClientState(byte[] lastEventId, Action releaseConnection, Action abortConnection)
    {
        _lastEventId = lastEventId;
        _releaseConnection = releaseConnection;
        _abortConnection = abortConnection;
    }

    public SseReadyState ReadyState
    {
        get
        {
            lock (_gate)
            {
                return _readyState;
            }
        }
    }

    /// <summary>The last event ID as of the last connection's end.</summary>
    public string LastEventId
    {
        get
        {
            lock (_gate)
            {
                return Encoding.UTF8.GetString(_lastEventId);
            }
        }
    }

    /// <summary>The last event ID as of the last connection's end, as UTF-8: for a new decoder.</summary>
    public byte[] LastEventIdUtf8
    {
        get
        {
            lock (_gate)
            {
                return _lastEventId;
            }
        }
    }

    /// <summary>The server's last valid <c>retry</c> as of the last connection's end, if any.</summary>
    public TimeSpan? ReconnectionTime
    {
        get
        {
            lock (_gate)
            {
                return _reconnectionTime;
            }
        }
    }

    /// <summary>Keeps where the next connection resumes, from the decoder of the connection that ended.</summary>
    public void SaveResumePoint(ReadOnlySpan<byte> lastEventId, TimeSpan? reconnectionTime)
    {
        lock (_gate)
        {
            _lastEventId = lastEventId.ToArray();
            _reconnectionTime = reconnectionTime ?? _reconnectionTime;
        }
    }

    /// <summary>Starts a read.</summary>
    /// <param name="owner">The client, for the <see cref="ObjectDisposedException"/>.</param>
    /// <param name="restartPending">Whether a restart was asked for: the current connection, if any, must not be read.</param>
    /// <returns><see langword="false"/> when the client is closed (its connection, if any, is released then).</returns>
    /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
    /// <exception cref="InvalidOperationException">Another read is in progress.</exception>
    public bool TryBeginRead(SseClient owner, out bool restartPending)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, owner);
            if (_reading)
            {
                throw new InvalidOperationException("Another read is in progress: an SseClient has one consumer at a time.");
            }

            restartPending = _restartRequested;
            if (_readyState == SseReadyState.Closed)
            {
                _releaseConnection();
                return false;
            }

            _reading = true;
            return true;
        }
    }

    /// <summary>
    /// Ends a read that found its event without waiting, without taking the gate. <see cref="Close"/> sets the state
    /// to closed and then looks at <see cref="_reading"/>; this clears <see cref="_reading"/> and then looks at the
    /// state, each with a full fence between, so at least one of them sees the other: a close that came during the read
    /// is never missed, and the connection is released here or there (twice is harmless), never while still in use.
    /// </summary>
    /// <returns><see langword="true"/> to deliver the event; <see langword="false"/> when the client was closed during the read.</returns>
    public bool EndFastRead()
    {
        Volatile.Write(ref _reading, false);
        Interlocked.MemoryBarrier();
        if (_readyState != SseReadyState.Closed)
        {
            return true;
        }

        // Spec (close()): "Set this's readyState attribute to CLOSED"; a read pending at that moment returns false.
        lock (_gate)
        {
            if (!_reading)
            {
                _releaseConnection();
            }
        }

        return false;
    }

    /// <summary>Ends a read that went the slow way; a client closed meanwhile has its connection released.</summary>
    public void EndRead()
    {
        lock (_gate)
        {
            _reading = false;
            if (_readyState == SseReadyState.Closed)
            {
                _releaseConnection();
            }
        }
    }

    /// <summary>Closes the client from any thread: the state is closed at once and the attempt cancelled.</summary>
    /// <param name="disposing">Whether the client is being disposed: then, or when <paramref name="release"/>, the buffers are returned now too.</param>
    /// <param name="release">Whether the caller is the reading flow, between reads, so that no event is in use.</param>
    /// <param name="firstDispose">Whether this is the first dispose, which disposes what the client owns.</param>
    /// <returns>Whether the client was not closed before, so <c>Closed</c> is to be raised.</returns>
    public bool Close(bool disposing, bool release, out bool firstDispose)
    {
        ConnectionAttempt? attempt;
        bool wasOpen;
        lock (_gate)
        {
            firstDispose = disposing && !_disposed;
            _disposed |= disposing;
            wasOpen = _readyState != SseReadyState.Closed;
            _readyState = SseReadyState.Closed;
            _closeRequested = true;
            _restartRequested = false;
            attempt = _attempt;

            // Pairs with EndFastRead, which clears _reading outside the gate: the closed state is visible before _reading is looked at.
            Interlocked.MemoryBarrier();
            if (!Volatile.Read(ref _reading))
            {
                // No read is in progress, so nothing else touches the connection: abort it here, and return the
                // buffers unless the consumer may still be looking at the current event.
                if (disposing || release)
                {
                    _releaseConnection();
                }
                else
                {
                    _abortConnection();
                }
            }
        }

        attempt?.Cancel();
        return wasOpen;
    }

    /// <summary>Asks for the connection to be dropped and made again at once; reopens a closed client.</summary>
    /// <exception cref="ObjectDisposedException">The client was disposed.</exception>
    public void Restart(SseClient owner)
    {
        ConnectionAttempt? attempt;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, owner);
            _restartRequested = true;
            _closeRequested = false;
            _readyState = SseReadyState.Connecting;
            attempt = _attempt;
        }

        attempt?.Cancel();
    }

    /// <summary>Takes the pending restart request, if any.</summary>
    public bool ConsumeRestartRequest()
    {
        lock (_gate)
        {
            bool requested = _restartRequested;
            _restartRequested = false;
            return requested;
        }
    }

    /// <summary>Makes <paramref name="attempt"/> the current one, cancelled at once if a close is pending.</summary>
    public void BeginAttempt(ConnectionAttempt attempt)
    {
        ConnectionAttempt? previous;
        bool closed;
        lock (_gate)
        {
            previous = _attempt;
            _attempt = attempt;
            closed = _closeRequested;
        }

        previous?.Dispose();
        if (closed)
        {
            attempt.Cancel();
        }
    }

    /// <summary>Ends the current attempt, if any.</summary>
    public void EndAttempt()
    {
        ConnectionAttempt? attempt;
        lock (_gate)
        {
            attempt = _attempt;
            _attempt = null;
        }

        attempt?.Dispose();
    }

    /// <summary>
    /// Spec: "When a user agent is to announce the connection, the user agent must queue a task which, if the
    /// readyState attribute is set to a value other than CLOSED, sets the readyState attribute to OPEN".
    /// </summary>
    /// <returns><see langword="false"/> when the client was closed meanwhile.</returns>
    public bool TryOpen() => TryMove(SseReadyState.Open);

    /// <summary>Spec (reestablish the connection): "If the readyState attribute is set to CLOSED, abort the task. Set the readyState attribute to CONNECTING."</summary>
    /// <returns><see langword="false"/> when the client was closed meanwhile.</returns>
    public bool TryReconnect() => TryMove(SseReadyState.Connecting);

    /// <summary>Closes the client from the reading flow.</summary>
    /// <returns>Whether it was not closed before, so the close is to be announced.</returns>
    public bool MarkClosed()
    {
        lock (_gate)
        {
            bool wasOpen = _readyState != SseReadyState.Closed;
            _readyState = SseReadyState.Closed;
            return wasOpen;
        }
    }

    /// <summary>What a cancelled or broken network operation means, as far as the caller's requests go.</summary>
    public Interruption ClassifyInterruption()
    {
        lock (_gate)
        {
            return _closeRequested || _disposed || _readyState == SseReadyState.Closed ? Interruption.Closed
                : _restartRequested ? Interruption.Restart
                : Interruption.None;
        }
    }

    private bool TryMove(SseReadyState state)
    {
        lock (_gate)
        {
            if (_readyState == SseReadyState.Closed)
            {
                return false;
            }

            _readyState = state;
            return true;
        }
    }
}

/// <summary>What the caller asked for that a cancelled or broken network operation may be the result of.</summary>
internal enum Interruption
{
    /// <summary>Nothing: the network failed, or the read timed out.</summary>
    None,

    /// <summary>The client was closed or disposed.</summary>
    Closed,

    /// <summary>The client was restarted.</summary>
    Restart,
}

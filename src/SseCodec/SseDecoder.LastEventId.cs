using System.Text;

namespace SseCodec;

// The last event ID buffer and the event source's last event ID string.
public sealed partial class SseDecoder
{
    // The last event ID buffer, and the event source's last event ID string. While no id field is pending
    // (_idChanged), only _lastEventId is read. A pending value that lies in the input chunk stays there
    // (_idStartInChunk >= 0) and is committed from there at dispatch; it is copied into _idBuffer only if the chunk
    // ends before the event does, as a lone data line is.
    private byte[] _idBuffer = [];
    private int _idLength;
    private bool _idChanged;
    private int _idStartInChunk = -1;
    private byte[] _lastEventId = [];
    private int _lastEventIdLength;
    private string? _lastEventIdString = string.Empty;

    /// <summary>
    /// The event source's last event ID string as UTF-8: set at each blank line from the last event ID buffer,
    /// kept across events and across <see cref="Reset"/>.
    /// </summary>
    public ReadOnlySpan<byte> LastEventIdUtf8 => _lastEventId.AsSpan(0, _lastEventIdLength);

    /// <summary>
    /// The event source's last event ID string. Allocates only when it changed since it was last read.
    /// </summary>
    public string LastEventId => _lastEventIdString ??= Encoding.UTF8.GetString(LastEventIdUtf8);

    /// <summary>Sets the last event ID, as a client does with the ID it resumes from before the first connection.</summary>
    /// <param name="lastEventId">The ID, as UTF-8. It must not contain U+0000, CR or LF.</param>
    /// <exception cref="ArgumentException"><paramref name="lastEventId"/> contains U+0000, CR or LF.</exception>
    public void SetLastEventId(ReadOnlySpan<byte> lastEventId)
    {
        ThrowIfDisposed();
        if (lastEventId.IndexOfAny((byte)0, Cr, Lf) >= 0)
        {
            throw new ArgumentException("A last event ID cannot contain U+0000, CR or LF.", nameof(lastEventId));
        }

        CommitLastEventId(lastEventId);
    }

    /// <summary>
    /// Sets the last event ID buffer from an <c>id</c> field's value, unless the value contains U+0000. A value in the
    /// input chunk (<paramref name="valueOffsetInChunk"/> at least 0) is only marked where it lies.
    /// </summary>
    private void SetLastEventIdBuffer(ReadOnlySpan<byte> value, int valueOffsetInChunk)
    {
        if (ContainsNul(value))
        {
            return;
        }

        _idChanged = true;
        if (valueOffsetInChunk >= 0)
        {
            _idStartInChunk = valueOffsetInChunk;
            _idLength = value.Length;
            return;
        }

        _idStartInChunk = -1;
        CopyInto(ref _idBuffer, ref _idLength, value);
    }

    /// <summary>Commits the pending ID, which lies in <paramref name="chunk"/> or in the last event ID buffer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void CommitPendingLastEventId(ReadOnlySpan<byte> chunk)
    {
        ReadOnlySpan<byte> id = _idStartInChunk >= 0 ? chunk.Slice(_idStartInChunk, _idLength) : _idBuffer.AsSpan(0, _idLength);
        _idStartInChunk = -1;
        CommitLastEventId(id);
    }

    /// <summary>Copies a pending ID that still lies in <paramref name="chunk"/> into the last event ID buffer, before the chunk goes away.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void DetachIdFromChunk(ReadOnlySpan<byte> chunk)
    {
        if (_idStartInChunk >= 0)
        {
            ReadOnlySpan<byte> id = chunk.Slice(_idStartInChunk, _idLength);
            _idStartInChunk = -1;
            CopyInto(ref _idBuffer, ref _idLength, id);
        }
    }

    private void CommitLastEventId(ReadOnlySpan<byte> id)
    {
        _idChanged = false;
        ReadOnlySpan<byte> last = _lastEventId.AsSpan(0, _lastEventIdLength);

        if (ShortIdsEqual(id, last))
        {
            return;
        }

        EnsureCapacity(ref _lastEventId, id.Length, 0, _maxLineLength);
        if (id.Length <= ShortIdLength)
        {
            // A short ID byte by byte: cheaper than a call to the general copy.
            Span<byte> destination = _lastEventId;
            for (int i = 0; i < id.Length; i++)
            {
                destination[i] = id[i];
            }
        }
        else
        {
            id.CopyTo(_lastEventId);
        }

        _lastEventIdLength = id.Length;
        _lastEventIdString = null;
    }

    // IDs up to this long (counters, timestamps, short keys: nearly all) are checked, compared and copied byte by byte
    // in line, which is cheaper for them than a call to the vectorized routines.
    private const int ShortIdLength = 16;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool ContainsNul(ReadOnlySpan<byte> value)
    {
        if (value.Length > ShortIdLength)
        {
            return value.Contains((byte)0);
        }

        foreach (byte b in value)
        {
            if (b == 0)
            {
                return true;
            }
        }

        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool ShortIdsEqual(ReadOnlySpan<byte> id, ReadOnlySpan<byte> last)
    {
        if (id.Length != last.Length)
        {
            return false;
        }

        if (id.Length > ShortIdLength)
        {
            return id.SequenceEqual(last);
        }

        // From the end: IDs that change from event to event (counters, timestamps) usually differ in their last bytes.
        for (int i = id.Length - 1; i >= 0; i--)
        {
            if (id[i] != last[i])
            {
                return false;
            }
        }

        return true;
    }
}

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
    private void SetLastEventIdBuffer(ReadOnlySpan<byte> chunk, ReadOnlySpan<byte> value, int valueOffsetInChunk)
    {
#if NET
        if (valueOffsetInChunk >= 0 && IsVectorId(chunk, valueOffsetInChunk, value.Length))
        {
            Vector128<byte> bytes = Vector128.LoadUnsafe(ref MemoryMarshal.GetReference(chunk), (nuint)valueOffsetInChunk);
            if ((Vector128.Equals(bytes, Vector128<byte>.Zero) & ShortIdMask(value.Length)) != Vector128<byte>.Zero)
            {
                return;
            }

            _idChanged = true;
            _idStartInChunk = valueOffsetInChunk;
            _idLength = value.Length;
            return;
        }
#endif

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
#if NET
        int start = _idStartInChunk;
        int length = _idLength;
        if (start >= 0 && IsVectorId(chunk, start, length) && _lastEventId.Length >= Vector128<byte>.Count)
        {
            // Compared with the last ID and copied over it as one vector: the bytes past the ID's end are read, masked
            // out of the comparison, and written into the buffer past the ID's length, where nothing reads them.
            _idStartInChunk = -1;
            _idChanged = false;
            Vector128<byte> mask = ShortIdMask(length);
            Vector128<byte> id = Vector128.LoadUnsafe(ref MemoryMarshal.GetReference(chunk), (nuint)start);
            ref byte last = ref MemoryMarshal.GetArrayDataReference(_lastEventId);
            if (length == _lastEventIdLength && ((id ^ Vector128.LoadUnsafe(ref last)) & mask) == Vector128<byte>.Zero)
            {
                return;
            }

            id.StoreUnsafe(ref last);
            _lastEventIdLength = length;
            _lastEventIdString = null;
            return;
        }
#endif

        ReadOnlySpan<byte> pending = _idStartInChunk >= 0 ? chunk.Slice(_idStartInChunk, _idLength) : _idBuffer.AsSpan(0, _idLength);
        _idStartInChunk = -1;
        CommitLastEventId(pending);
    }

#if NET
    /// <summary>Whether an ID of <paramref name="length"/> bytes at <paramref name="start"/> is short and has a whole vector of the chunk from its start.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsVectorId(ReadOnlySpan<byte> chunk, int start, int length) =>
        length <= Vector128<byte>.Count && chunk.Length - start >= Vector128<byte>.Count;

    /// <summary>All ones in the first <paramref name="length"/> bytes, zeros after.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> ShortIdMask(int length) =>
        Vector128.LessThan(Vector128.Create((byte)0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), Vector128.Create((byte)length));
#endif

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
    // in line where the one-vector path cannot be taken (too near the chunk's end, from the ID buffer, netstandard2.0),
    // which is cheaper for them than a call to the vectorized routines.
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

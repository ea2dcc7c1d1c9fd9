using System.Text;

namespace SseCodec;

// The last event ID buffer and the event source's last event ID string.
public sealed partial class SseDecoder
{
    // The last event ID buffer, and the event source's last event ID string. While no id field is pending
    // (_idChanged), the buffer's value is the committed one and only _lastEventId is read.
    private byte[] _idBuffer = [];
    private int _idLength;
    private bool _idChanged;
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

        CopyInto(ref _idBuffer, ref _idLength, lastEventId);
        CommitLastEventId();
    }

    /// <summary>Sets the last event ID buffer from an <c>id</c> field's value, unless the value contains U+0000.</summary>
    private void SetLastEventIdBuffer(ReadOnlySpan<byte> value)
    {
        if (!value.Contains((byte)0))
        {
            CopyInto(ref _idBuffer, ref _idLength, value);
            _idChanged = true;
        }
    }

    private void CommitLastEventId()
    {
        _idChanged = false;
        ReadOnlySpan<byte> id = _idBuffer.AsSpan(0, _idLength);
        if (!id.SequenceEqual(_lastEventId.AsSpan(0, _lastEventIdLength)))
        {
            // The buffers trade places: while no id field is pending, only the committed ID is read.
            (_lastEventId, _idBuffer) = (_idBuffer, _lastEventId);
            _lastEventIdLength = _idLength;
            _lastEventIdString = null;
        }
    }
}

using System.Text;

namespace SseCodec;

// The event type buffer and the dispatched event's type, as bytes and as a pooled string.
public sealed partial class SseDecoder
{
    // The event type buffer is _eventTypeLength bytes of one of two buffers: the dispatched type's, when the pending type
    // equals the type of the event last dispatched (_eventTypeIsDispatched), or else the spare one, which keeps the type
    // dispatched before that one (and its string) until another type needs it. Streams that repeat or alternate
    // between types copy nothing and look no string up.
    private byte[] _eventTypeBuffer = [];
    private int _eventTypeBufferLength;
    private string? _eventTypeBufferString;
    private int _eventTypeLength;
    private bool _eventTypeIsDispatched;
    private byte[] _dispatchedType = [];
    private int _dispatchedTypeLength;
    private bool _dispatchedIsMessage = true;
    private string? _dispatchedTypeString;

    // The last few short ASCII event types seen, compared as bytes against their strings.
    private readonly string?[] _recentTypes = new string?[4];
    private int _nextRecentType;

    /// <summary>
    /// Sets the event type buffer. Streams repeat their types: a value equal to the last dispatched type, or to the one
    /// kept in the spare buffer, is not copied.
    /// </summary>
    private void SetEventType(ReadOnlySpan<byte> value)
    {
        _eventTypeIsDispatched = value.SequenceEqual(_dispatchedType.AsSpan(0, _dispatchedTypeLength));
        if (!_eventTypeIsDispatched && !value.SequenceEqual(_eventTypeBuffer.AsSpan(0, _eventTypeBufferLength)))
        {
            CopyInto(ref _eventTypeBuffer, ref _eventTypeBufferLength, value);
            _eventTypeBufferString = null;
        }

        _eventTypeLength = value.Length;
    }

    internal ReadOnlySpan<byte> DispatchedEventTypeUtf8 =>
        _dispatchedIsMessage ? "message"u8 : _dispatchedType.AsSpan(0, _dispatchedTypeLength);

    internal string DispatchedEventType
    {
        get
        {
            if (_dispatchedIsMessage)
            {
                return "message";
            }

            return _dispatchedTypeString ??= LookUpEventType(_dispatchedType.AsSpan(0, _dispatchedTypeLength));
        }
    }

    /// <summary>
    /// Finds the string for an event type: <c>message</c> is built in, the last few short ASCII types this decoder saw
    /// are kept (a stream that alternates between types finds them here, without hashing or locking), and the rest come
    /// from <see cref="EventTypeStrings"/>, whose bounded pool makes a short type seen before allocate nothing. A long
    /// type is a plain string, made again only when the type changes.
    /// </summary>
    private string LookUpEventType(ReadOnlySpan<byte> utf8)
    {
        if (utf8.SequenceEqual("message"u8))
        {
            return "message";
        }

        foreach (string? recent in _recentTypes)
        {
            if (recent is null)
            {
                break;
            }

            if (Ascii.Equals(utf8, recent))
            {
                return recent;
            }
        }

        string value = EventTypeStrings.Get(utf8);
        if (utf8.Length <= EventTypeStrings.MaxPooledLength && Ascii.IsValid(utf8))
        {
            _recentTypes[_nextRecentType] = value;
            _nextRecentType = (_nextRecentType + 1) % _recentTypes.Length;
        }

        return value;
    }
}

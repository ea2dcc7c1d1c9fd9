using System.Text;

namespace SseCodec;

// The event type buffer and the dispatched event's type, as bytes and as a pooled string.
public sealed partial class SseDecoder
{
    // Event types are kept in two slots, each a buffer, its length and its string once made: the dispatched type's
    // slot (_dispatchedInSlot1 tells which) and the spare, which keeps the type dispatched before that one until another
    // type needs it. The event type buffer is _eventTypeLength bytes of one of them: the dispatched slot's, when the
    // pending type equals the type of the event last dispatched (_eventTypeIsDispatched), or else the spare's. Streams
    // that repeat or alternate between types copy nothing and look no string up; and as the slots trade roles by a flag,
    // a new type costs no reference writes (each a GC write barrier) at dispatch.
    private byte[] _typeBuffer0 = [];
    private byte[] _typeBuffer1 = [];
    private int _typeLength0;
    private int _typeLength1;
    private string? _typeString0;
    private string? _typeString1;
    private bool _dispatchedInSlot1;
    private int _eventTypeLength;
    private bool _eventTypeIsDispatched;
    private bool _dispatchedIsMessage = true;

    private ref byte[] DispatchedTypeBuffer => ref _dispatchedInSlot1 ? ref _typeBuffer1 : ref _typeBuffer0;

    private ref int DispatchedTypeLength => ref _dispatchedInSlot1 ? ref _typeLength1 : ref _typeLength0;

    private ref string? DispatchedTypeString => ref _dispatchedInSlot1 ? ref _typeString1 : ref _typeString0;

    private ref byte[] SpareTypeBuffer => ref _dispatchedInSlot1 ? ref _typeBuffer0 : ref _typeBuffer1;

    private ref int SpareTypeLength => ref _dispatchedInSlot1 ? ref _typeLength0 : ref _typeLength1;

    private ref string? SpareTypeString => ref _dispatchedInSlot1 ? ref _typeString0 : ref _typeString1;

    // The last few short ASCII event types seen, compared as bytes against their strings.
    private readonly string?[] _recentTypes = new string?[4];
    private int _nextRecentType;

    /// <summary>
    /// Sets the event type buffer. Streams repeat their types: a value equal to the last dispatched type, or to the one
    /// kept in the spare buffer, is not copied.
    /// </summary>
    private void SetEventType(ReadOnlySpan<byte> value)
    {
        _eventTypeIsDispatched = value.SequenceEqual(DispatchedTypeBuffer.AsSpan(0, DispatchedTypeLength));
        if (!_eventTypeIsDispatched && !value.SequenceEqual(SpareTypeBuffer.AsSpan(0, SpareTypeLength)))
        {
            CopyInto(ref SpareTypeBuffer, ref SpareTypeLength, value);
            SpareTypeString = null;
        }

        _eventTypeLength = value.Length;
    }

    internal ReadOnlySpan<byte> DispatchedEventTypeUtf8 =>
        _dispatchedIsMessage ? "message"u8 : DispatchedTypeBuffer.AsSpan(0, DispatchedTypeLength);

    internal string DispatchedEventType
    {
        get
        {
            if (_dispatchedIsMessage)
            {
                return "message";
            }

            ref string? dispatched = ref DispatchedTypeString;
            return dispatched ??= LookUpEventType(DispatchedTypeBuffer.AsSpan(0, DispatchedTypeLength));
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

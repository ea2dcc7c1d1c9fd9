namespace SseCodec;

// "Dispatch the event" at a blank line, and discarding an event the stream ended in.
public sealed partial class SseDecoder
{
    /// <summary>"Dispatch the event" (WHATWG HTML §9.2.6).</summary>
    /// <param name="chunk">The input chunk being parsed, where a pending ID may lie.</param>
    private SseItemKind DispatchEvent(ReadOnlySpan<byte> chunk)
    {
        // Spec: "Set the last event ID string of the event source to the value of the last event ID buffer. The buffer
        // does not get reset, so the last event ID string of the event source remains set to this value until the next
        // time it is set by the server."
        if (_idChanged)
        {
            CommitPendingLastEventId(chunk);
        }

        // Spec: "If the data buffer is an empty string, set the data buffer and the event type buffer to the empty string
        // and return." (An empty data line makes the buffer "\n", not empty: _hasData tells the two apart.)
        if (!_hasData)
        {
            _eventTypeLength = 0;
            return SseItemKind.None;
        }

        // Spec: "If the data buffer's last character is a U+000A LINE FEED (LF) character, then remove the last character
        // from the data buffer." The buffer never stores that final LF, so there is nothing to remove.
        Debug.Assert(
            _eventTypeLength == 0 || _eventTypeLength == (_eventTypeIsDispatched ? DispatchedTypeLength : SpareTypeLength),
            "The pending event type is all of the buffer it lies in.");
        if (_dataLineStartInChunk >= 0)
        {
            _itemStartInChunk = _dataLineStartInChunk;
            _itemLengthInChunk = _dataLength;
            _dataLineStartInChunk = -1;
        }
        else
        {
            Debug.Assert(_dataStart + _dataLength <= _dataBuffer.Length, "Joined data lies in the data buffer.");
            SetCurrent(_dataBuffer, _dataStart, _dataLength);
        }

        // Spec: "Initialize event's type attribute to "message" ... If the event type buffer has a value other than the
        // empty string, change the type of the newly created event to equal the value of the event type buffer."
        if (_eventTypeLength == 0)
        {
            _dispatchedIsMessage = true;
        }
        else
        {
            _dispatchedIsMessage = false;
            if (!_eventTypeIsDispatched)
            {
                // The slots trade roles: the event type buffer is emptied below anyway.
                _dispatchedInSlot1 = !_dispatchedInSlot1;
            }
        }

        // Spec: "Set the data buffer and the event type buffer to the empty string."
        _hasData = false;
        _dataLength = 0;
        _dataStart = 0;
        _eventTypeLength = 0;
        return SseItemKind.Event;
    }

    private void DiscardPendingEvent()
    {
        _lineLength = 0;
        _heldLineSearched = 0;
        _hasData = false;
        _dataLength = 0;
        _dataStart = 0;
        _dataLineStartInChunk = -1;
        _eventTypeLength = 0;

        // The pending ID is not committed: the last event ID buffer goes back to the last event ID string, which is
        // what the decoder reads while no id field is pending.
        _idChanged = false;
        _idStartInChunk = -1;
    }
}

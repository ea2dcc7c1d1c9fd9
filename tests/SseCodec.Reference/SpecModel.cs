using System.Globalization;
using System.Numerics;
using System.Text;

namespace SseCodec.Reference;

/// <summary>
/// A deliberately slow and plain model of WHATWG HTML "Parsing an event stream" and "Interpreting an event stream",
/// written character by character over the decoded text. It is the oracle the parser is compared with.
/// </summary>
/// <remarks>
/// Decisions where the spec leaves room, shared with the parser: an empty <c>retry</c> value is ignored; a <c>retry</c>
/// value above <see cref="MaxRetryMilliseconds"/> is ignored; comment lines are reported (the spec ignores them) with
/// the text after the colon, one leading space removed.
/// </remarks>
public static class SpecModel
{
    /// <summary>The largest reconnection time accepted, in milliseconds (what a <see cref="TimeSpan"/> can hold).</summary>
    public const long MaxRetryMilliseconds = 922337203685477;

    /// <summary>Parses a whole stream and ends it.</summary>
    public static SseTranscript Parse(ReadOnlySpan<byte> stream)
    {
        // "Streams must be decoded using the UTF-8 decode algorithm": invalid bytes become U+FFFD.
        // Encoding.UTF8.GetString replaces invalid sequences and does not strip a BOM.
        string text = Encoding.UTF8.GetString(stream);

        // "The UTF-8 decode algorithm strips one leading UTF-8 Byte Order Mark (BOM), if any."
        int start = text.Length > 0 && text[0] == '\uFEFF' ? 1 : 0;

        var state = new State();
        var line = new StringBuilder();
        for (int i = start; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '\r')
            {
                // CRLF is one line ending; a CR not followed by LF is one too (also at the very end of the input).
                state.ProcessLine(line.ToString());
                line.Clear();
                if (i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }
            }
            else if (c == '\n')
            {
                state.ProcessLine(line.ToString());
                line.Clear();
            }
            else
            {
                line.Append(c);
            }
        }

        // "Once the end of the file is reached, any pending data must be discarded." The unterminated line is dropped,
        // and so is the pending event, whose id is never committed.
        return new SseTranscript(state.Records, state.LastEventIdString);
    }

    private sealed class State
    {
        private string _data = "";
        private string _eventType = "";
        private string _lastEventIdBuffer = "";

        public List<SseRecord> Records { get; } = [];

        public string LastEventIdString { get; private set; } = "";

        public void ProcessLine(string line)
        {
            if (line.Length == 0)
            {
                Dispatch();
                return;
            }

            if (line[0] == ':')
            {
                string comment = line.Substring(1);
                if (comment.StartsWith(' '))
                {
                    comment = comment.Substring(1);
                }

                Records.Add(new SseRecord.Comment(comment));
                return;
            }

            int colon = line.IndexOf(':', StringComparison.Ordinal);
            string field;
            string value;
            if (colon >= 0)
            {
                field = line.Substring(0, colon);
                value = line.Substring(colon + 1);
                if (value.StartsWith(' '))
                {
                    value = value.Substring(1);
                }
            }
            else
            {
                field = line;
                value = "";
            }

            ProcessField(field, value);
        }

        private void ProcessField(string field, string value)
        {
            // "Field names must be compared literally, with no case folding performed."
            if (string.Equals(field, "event", StringComparison.Ordinal))
            {
                _eventType = value;
            }
            else if (string.Equals(field, "data", StringComparison.Ordinal))
            {
                _data = _data + value + "\n";
            }
            else if (string.Equals(field, "id", StringComparison.Ordinal))
            {
                if (!value.Contains('\0', StringComparison.Ordinal))
                {
                    _lastEventIdBuffer = value;
                }
            }
            else if (string.Equals(field, "retry", StringComparison.Ordinal))
            {
                if (value.Length > 0 && value.All(c => c is >= '0' and <= '9'))
                {
                    BigInteger milliseconds = BigInteger.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture);
                    if (milliseconds <= MaxRetryMilliseconds)
                    {
                        Records.Add(new SseRecord.Retry((long)milliseconds));
                    }
                }
            }

            // Otherwise the field is ignored.
        }

        private void Dispatch()
        {
            LastEventIdString = _lastEventIdBuffer;
            if (_data.Length == 0)
            {
                _data = "";
                _eventType = "";
                return;
            }

            string data = _data.EndsWith('\n') ? _data.Substring(0, _data.Length - 1) : _data;
            string type = _eventType.Length == 0 ? "message" : _eventType;
            Records.Add(new SseRecord.Event(type, data, LastEventIdString));
            _data = "";
            _eventType = "";
        }
    }
}

using System.Globalization;
using System.Text;

namespace SseCodec.Reference;

/// <summary>One observable item of an event stream, in stream order: an event, a valid <c>retry</c>, or a comment.</summary>
public abstract record SseRecord
{
    private SseRecord()
    {
    }

    /// <summary>A dispatched event: its type, its data and the last event ID string at dispatch.</summary>
    public sealed record Event(string Type, string Data, string LastEventId) : SseRecord
    {
        public override string ToString() => $"Event(type={Escape(Type)}, data={Escape(Data)}, id={Escape(LastEventId)})";
    }

    /// <summary>A valid <c>retry</c> field: the reconnection time it set.</summary>
    public sealed record Retry(long Milliseconds) : SseRecord
    {
        public override string ToString() => $"Retry({Milliseconds.ToString(CultureInfo.InvariantCulture)})";
    }

    /// <summary>A comment line: the text after the colon, one leading space removed.</summary>
    public sealed record Comment(string Text) : SseRecord
    {
        public override string ToString() => $"Comment({Escape(Text)})";
    }

    /// <summary>Quotes a string with control characters, non-ASCII and quotes escaped, for readable failure messages.</summary>
    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new StringBuilder(text.Length + 2);
        builder.Append('"');
        foreach (char c in text)
        {
            switch (c)
            {
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                default:
                    if (c < 0x20 || c > 0x7E)
                    {
                        builder.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        return builder.Append('"').ToString();
    }
}

/// <summary>
/// Everything a parse observably produced: the records in stream order, and the event source's last event ID string
/// once the stream has ended.
/// </summary>
public sealed class SseTranscript : IEquatable<SseTranscript>
{
    public SseTranscript(IReadOnlyList<SseRecord> records, string lastEventId)
    {
        Records = records ?? throw new ArgumentNullException(nameof(records));
        LastEventId = lastEventId ?? throw new ArgumentNullException(nameof(lastEventId));
    }

    public IReadOnlyList<SseRecord> Records { get; }

    /// <summary>The last event ID string after the end of the stream (an unterminated event's <c>id</c> is not committed).</summary>
    public string LastEventId { get; }

    /// <summary>The same transcript with only the events (what an events-only reader sees).</summary>
    public SseTranscript EventsOnly() =>
        new(Records.Where(r => r is SseRecord.Event).ToList(), LastEventId);

    public bool Equals(SseTranscript? other) =>
        other is not null && LastEventId == other.LastEventId && Records.SequenceEqual(other.Records);

    public override bool Equals(object? obj) => Equals(obj as SseTranscript);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(LastEventId);
        foreach (SseRecord record in Records)
        {
            hash.Add(record);
        }

        return hash.ToHashCode();
    }

    public override string ToString()
    {
        var builder = new StringBuilder();
        builder.Append('[');
        for (int i = 0; i < Records.Count; i++)
        {
            builder.Append(i == 0 ? "" : ", ").Append(Records[i]);
        }

        return builder.Append("] lastEventId=").Append(SseRecord.Escape(LastEventId)).ToString();
    }
}

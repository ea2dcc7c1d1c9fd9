using System.Buffers.Text;
using StackExchange.Redis;

namespace SseCodec.Redis;

/// <summary>
/// The shape of this package's stream entries: ID <c>0-N</c> where N is the event's sequence number (and its SSE ID),
/// field <c>d</c> the encoded event without its ID field, <c>g</c> its group (absent for all), <c>t</c> the append
/// time in Unix milliseconds. Reads an entry back, refusing what another writer could have put there.
/// </summary>
internal static class StreamEntries
{
    public const string DataField = "d";
    public const string GroupField = "g";
    public const string TimeField = "t";

    /// <summary>The ID a new entry asks for: the next sequence number after the stream's last, assigned by Redis.</summary>
    public const string NextId = "0-*";

    /// <summary>The most bytes the ID field that is put before a stored event takes: <c>id: </c>, 19 digits, LF.</summary>
    public const int MaxIdFieldBytes = 24;

    /// <summary>The entry ID of sequence number <paramref name="sequence"/>.</summary>
    public static string EntryId(long sequence) => "0-" + sequence.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Reads the sequence number of an entry ID <c>0-N</c> (N from 1, canonical decimal).</summary>
    public static bool TryParseSequence(string? entryId, out long sequence)
    {
        sequence = 0;
        return entryId is not null && entryId.StartsWith("0-", StringComparison.Ordinal) && TryParseDecimal(entryId.AsSpan(2), out sequence);
    }

    /// <summary>Reads a canonical positive decimal (no sign, no leading zero, at most 19 digits), as the IDs this package gives.</summary>
    public static bool TryParseDecimal(ReadOnlySpan<char> text, out long value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > 19 || text[0] == '0')
        {
            return false;
        }

        foreach (char c in text)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }

            if (value > (long.MaxValue - (c - '0')) / 10)
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return true;
    }

    /// <summary>The fields of a new entry.</summary>
    public static NameValueEntry[] Fields(ReadOnlyMemory<byte> utf8Event, string? group, long unixMilliseconds) =>
        group is null
            ? [new(DataField, utf8Event), new(TimeField, unixMilliseconds)]
            : [new(DataField, utf8Event), new(GroupField, group), new(TimeField, unixMilliseconds)];

    /// <summary>Reads an entry's fields; <see langword="null"/> when it is one of this package's events, else why not.</summary>
    public static string? Check(StreamEntry entry, int maxEventBytes, out long sequence, out ReadOnlyMemory<byte> data, out string? group, out long? time)
    {
        data = default;
        group = null;
        time = null;
        if (!TryParseSequence(entry.Id.ToString(), out sequence))
        {
            return "its ID is not 0-N";
        }

        bool hasData = false;
        foreach (NameValueEntry field in entry.Values)
        {
            string name = field.Name.ToString();
            if (name == DataField)
            {
                data = (ReadOnlyMemory<byte>)field.Value;
                hasData = true;
            }
            else if (name == GroupField)
            {
                group = field.Value.ToString();
            }
            else if (name == TimeField && field.Value.TryParse(out long ms))
            {
                time = ms;
            }
        }

        if (!hasData)
        {
            return $"it has no '{DataField}' field";
        }

        if (data.Length > maxEventBytes)
        {
            return $"its event is {data.Length} bytes, over MaxEventBytes ({maxEventBytes})";
        }

        if (!EndsWithBlankLine(data.Span))
        {
            return "its event does not end with a blank line";
        }

        return null;
    }

    /// <summary>Whether <paramref name="utf8Event"/> is complete: it ends with the blank line that dispatches it.</summary>
    public static bool EndsWithBlankLine(ReadOnlySpan<byte> utf8Event) =>
        utf8Event.EndsWith("\n\n"u8) || utf8Event.EndsWith("\r\r"u8) || utf8Event.EndsWith("\n\r\n"u8);

    /// <summary>Writes <c>id: N</c> and the stored event after it: the event as clients get it. Returns the length.</summary>
    public static int WriteEvent(Span<byte> destination, long sequence, ReadOnlySpan<byte> data)
    {
        "id: "u8.CopyTo(destination);
        Utf8Formatter.TryFormat(sequence, destination[4..], out int digits);
        int length = 4 + digits;
        destination[length++] = (byte)'\n';
        data.CopyTo(destination[length..]);
        return length + data.Length;
    }
}

using System.Globalization;
using System.Net.ServerSentEvents;
using System.Text;

namespace SseCodec.Reference.Oracles;

/// <summary>
/// Differential testing against <see cref="SseParser"/> (System.Net.ServerSentEvents): the events (type, data, the
/// event source's last event ID string and reconnection time at dispatch) and the final state must agree.
/// </summary>
/// <remarks>
/// What <see cref="SseParser"/> cannot show is not compared: comments (the spec ignores them; only SseCodec reports
/// them) and individual <c>retry</c> fields (it exposes only the current reconnection time, compared at every event and
/// at the end). The oracle reads <see cref="SseParser{T}.LastEventId"/> rather than <see cref="SseItem{T}.EventId"/>,
/// which is only the <c>id</c> field of the event's own block. Two documented divergences, where the spec sides with
/// SseCodec, are normalized precisely (see fuzz/README.md):
/// <list type="number">
/// <item>D1: an empty <c>event</c> field makes SseParser report the type <c>""</c>; the spec's type is <c>message</c>.
/// Only the type <c>""</c> is mapped to <c>message</c> (SseParser never reports <c>""</c> otherwise).</item>
/// <item>D2: at the end of the stream SseParser's <c>LastEventId</c> is the last event ID <em>buffer</em>, set by an
/// <c>id</c> field of an event that was never dispatched; the spec commits the buffer only at a blank line and discards
/// pending data at the end. Its final value is compared with the model's buffer, not the committed string.</item>
/// <item>D3: a blank line that dispatches nothing (empty data buffer) does not reset SseParser's event type buffer, so
/// a type set in a data-less block leaks into the next event that has no <c>event</c> field of its own; the spec sets
/// the event type buffer to the empty string there. For exactly those events the type SseParser reports is compared
/// with the leaked type (see <see cref="LeakedEventTypes"/>).</item>
/// <item>D4: SseParser accepts a <c>retry</c> value of ASCII digits followed by one or more U+0000 (<c>retry: 5\0</c>
/// sets 5 ms), as .NET's integer parsing ignores trailing NULs; the spec ignores any value that is not only ASCII
/// digits. SseParser's reconnection time is compared with the model's over the input with exactly those NULs removed
/// (see <see cref="WithoutNulsAfterRetryDigits"/>); nothing else in the input changes.</item>
/// <item>D5: before .NET 9 (the package's net8.0 build), SseParser makes its reconnection time with the <c>double</c>
/// overload of <c>TimeSpan.FromMilliseconds</c>, which rounds values past 2^53 ticks (184929189038705 ms becomes
/// 184929189038704; the largest, 922337203685477, becomes <c>TimeSpan.MaxValue</c>). On those runtimes the model's value is passed through the same overload before it is compared
/// (see <see cref="AsSseParserSetsIt"/>); SseCodec itself is exact on every target.</item>
/// </list>
/// </remarks>
public static class DifferentialOracle
{
    public static string? Check(byte[] input, SseTranscript model)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(model);
        List<string?> leaked = LeakedEventTypes(input);
        if (leaked.Count != model.Records.Count(r => r is SseRecord.Event))
        {
            return $"oracle error: the line scan for D3 found {leaked.Count} events, the model {model.Records.Count(r => r is SseRecord.Event)}";
        }

        // D4: the reconnection times SseParser sets come from the input with the NULs after retry digits removed.
        byte[] retryInput = WithoutNulsAfterRetryDigits(input);
        SseTranscript retryModel = ReferenceEquals(retryInput, input) ? model : SpecModel.Parse(retryInput);
        if (retryModel.Records.Count(r => r is not SseRecord.Retry) != model.Records.Count(r => r is not SseRecord.Retry))
        {
            return "oracle error: removing NULs after retry digits (D4) changed more than the retry records";
        }

        var expected = new List<string>();
        long? retry = null;
        int eventIndex = 0;
        foreach (SseRecord record in retryModel.Records)
        {
            switch (record)
            {
                case SseRecord.Retry r:
                    retry = AsSseParserSetsIt(r.Milliseconds);
                    break;
                case SseRecord.Event e:
                    // D3: the type a data-less block left in SseParser's buffer, where the spec had reset it.
                    string type = leaked[eventIndex++] is string leak ? (leak.Length == 0 ? SseParser.EventTypeDefault : leak) : e.Type;
                    expected.Add(Row(type, e.Data, e.LastEventId, retry));
                    break;
            }
        }

        expected.Add(End(PendingLastEventIdBuffer(input), retry));

        var actual = new List<string>();
        SseParser<string> parser = SseParser.Create(new MemoryStream(input, writable: false), static (_, data) => Encoding.UTF8.GetString(data));
        foreach (SseItem<string> item in parser.Enumerate())
        {
            // D1: SseParser reports an empty event field as the type "".
            string type = item.EventType.Length == 0 ? SseParser.EventTypeDefault : item.EventType;
            actual.Add(Row(type, item.Data, parser.LastEventId, Milliseconds(parser.ReconnectionInterval)));
        }

        // D2: compared with the model's last event ID buffer (see PendingLastEventIdBuffer).
        actual.Add(End(parser.LastEventId, Milliseconds(parser.ReconnectionInterval)));

        if (expected.SequenceEqual(actual))
        {
            return null;
        }

        int first = Enumerable.Range(0, Math.Min(expected.Count, actual.Count)).FirstOrDefault(i => expected[i] != actual[i], Math.Min(expected.Count, actual.Count));
        return $"SseParser differs from SseCodec's model at row {first}\n" +
               $"expected: {(first < expected.Count ? expected[first] : "(nothing)")}\nactual:   {(first < actual.Count ? actual[first] : "(nothing)")}\n" +
               $"model:    {InputText.Describe(model)}";
    }

    /// <summary>
    /// The last event ID buffer once the stream has ended: the model's last event ID string after the terminated lines
    /// of the input (up to its last CR or LF) followed by a blank line, which commits the buffer. The unterminated
    /// final line is left out, as both parsers discard it.
    /// </summary>
    public static string PendingLastEventIdBuffer(byte[] input)
    {
        ArgumentNullException.ThrowIfNull(input);
        int end = input.AsSpan().LastIndexOfAny((byte)'\r', (byte)'\n') + 1;
        byte[] terminated = [.. input.AsSpan(0, end), (byte)'\n', (byte)'\n'];
        return SpecModel.Parse(terminated).LastEventId;
    }

    /// <summary>
    /// The input with the U+0000 bytes removed from every <c>retry</c> line whose value (after one optional space) is
    /// one or more ASCII digits followed by one or more U+0000 and nothing else (divergence D4); the same array when
    /// there is no such line. Lines are split on CR and LF bytes, which UTF-8 decoding never merges into other characters.
    /// </summary>
    public static byte[] WithoutNulsAfterRetryDigits(byte[] input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (Array.IndexOf(input, (byte)0) < 0)
        {
            return input;
        }

        int start = input.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;
        var output = new List<byte>(input.Length);
        output.AddRange(input.AsSpan(0, start).ToArray());
        bool changed = false;
        int lineStart = start;
        for (int i = start; i <= input.Length; i++)
        {
            if (i < input.Length && input[i] is not ((byte)'\r' or (byte)'\n'))
            {
                continue;
            }

            ReadOnlySpan<byte> line = input.AsSpan(lineStart, i - lineStart);
            int nuls = TrailingNulsAfterRetryDigits(line);
            output.AddRange(line[..^nuls].ToArray());
            changed |= nuls > 0;
            if (i < input.Length)
            {
                output.Add(input[i]);
            }

            lineStart = i + 1;
        }

        return changed ? [.. output] : input;

        static int TrailingNulsAfterRetryDigits(ReadOnlySpan<byte> line)
        {
            if (!line.StartsWith("retry:"u8))
            {
                return 0;
            }

            ReadOnlySpan<byte> value = line["retry:".Length..];
            if (value.StartsWith(" "u8))
            {
                value = value[1..];
            }

            int digits = 0;
            while (digits < value.Length && value[digits] is >= (byte)'0' and <= (byte)'9')
            {
                digits++;
            }

            int nuls = value.Length - digits;
            return digits > 0 && nuls > 0 && !value[digits..].ContainsAnyExcept((byte)0) ? nuls : 0;
        }
    }

    /// <summary>
    /// For each event the spec dispatches, in order: the event type SseParser still holds from a data-less block when
    /// the event's own block has no <c>event</c> field (divergence D3), or <see langword="null"/> when there is none and
    /// both parsers agree. A plain line scan over the decoded text, as <see cref="SpecModel"/> reads it.
    /// </summary>
    public static List<string?> LeakedEventTypes(byte[] input)
    {
        ArgumentNullException.ThrowIfNull(input);
        string text = Encoding.UTF8.GetString(input);
        int start = text.Length > 0 && text[0] == '\uFEFF' ? 1 : 0;
        var result = new List<string?>();
        bool hasData = false;
        bool typeInBlock = false;
        string? leftOver = null; // a type set in a block that dispatched nothing, since the last event
        int lineStart = start;
        for (int i = start; i < text.Length; i++)
        {
            char c = text[i];
            if (c is not ('\r' or '\n'))
            {
                continue;
            }

            string line = text[lineStart..i];
            if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                i++;
            }

            lineStart = i + 1;
            if (line.Length == 0)
            {
                if (hasData)
                {
                    result.Add(typeInBlock ? null : leftOver);
                    leftOver = null;
                }

                hasData = false;
                typeInBlock = false;
                continue;
            }

            int colon = line.IndexOf(':', StringComparison.Ordinal);
            string field = colon < 0 ? line : line[..colon];
            if (field == "data")
            {
                hasData = true;
            }
            else if (field == "event")
            {
                string value = colon < 0 ? "" : line[(colon + 1)..];
                leftOver = value.StartsWith(' ') ? value[1..] : value;
                typeInBlock = true;
            }
        }

        return result;
    }

    /// <summary>D5: the reconnection time SseParser sets for a <c>retry</c> of <paramref name="milliseconds"/>, in milliseconds.</summary>
    private static long AsSseParserSetsIt(long milliseconds) =>
#if NET9_0_OR_GREATER
        milliseconds;
#else
        // Measured on the package's net8.0 build: the largest value gives TimeSpan.MaxValue (whose milliseconds it is),
        // every other the double overload's rounding.
        milliseconds == TimeSpan.MaxValue.Ticks / TimeSpan.TicksPerMillisecond
            ? milliseconds
            : TimeSpan.FromMilliseconds(milliseconds).Ticks / TimeSpan.TicksPerMillisecond;
#endif

    private static long? Milliseconds(TimeSpan interval) =>
        interval == Timeout.InfiniteTimeSpan ? null : interval.Ticks / TimeSpan.TicksPerMillisecond;

    private static string Row(string type, string data, string id, long? retry) =>
        $"Event(type={SseRecord.Escape(type)}, data={SseRecord.Escape(Cut(data))}, lastEventId={SseRecord.Escape(id)}, retry={Show(retry)})";

    private static string End(string id, long? retry) => $"End(lastEventId={SseRecord.Escape(id)}, retry={Show(retry)})";

    private static string Show(long? retry) => retry?.ToString(CultureInfo.InvariantCulture) ?? "none";

    /// <summary>Long data cut for reading, with its length and a stable hash of the whole so that rows still compare exactly.</summary>
    private static string Cut(string data)
    {
        if (data.Length <= 300)
        {
            return data;
        }

        ulong hash = 14695981039346656037;
        foreach (char c in data)
        {
            hash = (hash ^ c) * 1099511628211;
        }

        return $"{data[..300]}...({data.Length} chars, fnv {hash:x16})";
    }
}

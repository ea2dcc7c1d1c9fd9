using System.Buffers;
using System.Globalization;
using System.Text;

namespace SseCodec.Reference.Oracles;

/// <summary>Which <c>SseEncoder.WriteEvent</c> overload an event's data goes through.</summary>
public enum DataForm
{
    /// <summary>Text (<see cref="ReadOnlySpan{T}"/> of <see cref="char"/>), transcoded by the encoder.</summary>
    Chars,

    /// <summary>UTF-8 bytes in one span.</summary>
    Utf8,

    /// <summary>UTF-8 bytes in a multi-segment sequence cut at <see cref="EncoderOp.Event.SplitPoints"/>.</summary>
    Sequence,
}

/// <summary>One call to <see cref="SseEncoder"/>.</summary>
public abstract record EncoderOp
{
    private EncoderOp()
    {
    }

    /// <summary><c>WriteEvent</c>; split points are UTF-8 byte offsets into the data (for <see cref="DataForm.Sequence"/>).</summary>
    public sealed record Event(string Data, string? Type, string? Id, long? RetryMs, DataForm Form, int[] SplitPoints) : EncoderOp;

    /// <summary><c>WriteComment</c>, with text or UTF-8.</summary>
    public sealed record Comment(string Text, bool Utf8) : EncoderOp;

    /// <summary><c>WriteRetry</c>.</summary>
    public sealed record Retry(long Milliseconds) : EncoderOp;

    /// <summary><c>WriteId</c>.</summary>
    public sealed record IdOnly(string Value) : EncoderOp;

    /// <summary><c>WriteHeartbeat</c>.</summary>
    public sealed record Heartbeat : EncoderOp;
}

/// <summary>
/// A script of encoder calls, with what a conforming parser must read back from their output, and a plain text form
/// (one call per line, strings as hexadecimal UTF-16 code units so that lone surrogates survive) for findings files.
/// </summary>
public static class EncoderScript
{
    /// <summary>Whether the encoder must reject the call with <see cref="ArgumentException"/> and write nothing.</summary>
    public static bool IsInvalid(EncoderOp op) => op switch
    {
        EncoderOp.Event e => (e.Type is not null && e.Type.AsSpan().ContainsAny('\r', '\n')) || (e.Id is not null && e.Id.AsSpan().ContainsAny('\r', '\n', '\0')),
        EncoderOp.IdOnly id => id.Value.AsSpan().ContainsAny('\r', '\n', '\0'),
        _ => false,
    };

    /// <summary>Calls the encoder for one op.</summary>
    public static void Write(IBufferWriter<byte> buffer, EncoderOp op)
    {
        switch (op)
        {
            case EncoderOp.Event e:
                TimeSpan? retry = e.RetryMs is long ms ? TimeSpan.FromTicks(ms * TimeSpan.TicksPerMillisecond) : null;
                switch (e.Form)
                {
                    case DataForm.Chars:
                        SseEncoder.WriteEvent(buffer, e.Data.AsSpan(), e.Type, e.Id, retry);
                        break;
                    case DataForm.Utf8:
                        SseEncoder.WriteEvent(buffer, Encoding.UTF8.GetBytes(e.Data).AsSpan(), e.Type, e.Id, retry);
                        break;
                    default:
                        SseEncoder.WriteEvent(buffer, ToSequence(Encoding.UTF8.GetBytes(e.Data), e.SplitPoints), e.Type, e.Id, retry);
                        break;
                }

                break;
            case EncoderOp.Comment c when c.Utf8:
                SseEncoder.WriteComment(buffer, Encoding.UTF8.GetBytes(c.Text).AsSpan());
                break;
            case EncoderOp.Comment c:
                SseEncoder.WriteComment(buffer, c.Text.AsSpan());
                break;
            case EncoderOp.Retry r:
                SseEncoder.WriteRetry(buffer, TimeSpan.FromTicks(r.Milliseconds * TimeSpan.TicksPerMillisecond));
                break;
            case EncoderOp.IdOnly id:
                SseEncoder.WriteId(buffer, id.Value);
                break;
            case EncoderOp.Heartbeat:
                SseEncoder.WriteHeartbeat(buffer);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(op));
        }
    }

    /// <summary>What a conforming parser reads from the script's output (invalid calls contribute nothing).</summary>
    public static SseTranscript Expected(IEnumerable<EncoderOp> script)
    {
        ArgumentNullException.ThrowIfNull(script);
        var records = new List<SseRecord>();
        string lastEventId = "";
        foreach (EncoderOp op in script)
        {
            if (IsInvalid(op))
            {
                continue;
            }

            switch (op)
            {
                case EncoderOp.Event e:
                    if (e.RetryMs is long ms)
                    {
                        records.Add(new SseRecord.Retry(ms));
                    }

                    if (e.Id is not null)
                    {
                        lastEventId = AsUtf8(e.Id);
                    }

                    string type = string.IsNullOrEmpty(e.Type) || e.Type == "message" ? "message" : AsUtf8(e.Type);
                    records.Add(new SseRecord.Event(type, NormalizeLines(e.Data), lastEventId));
                    break;
                case EncoderOp.Comment c:
                    foreach (string line in NormalizeLines(c.Text).Split('\n'))
                    {
                        records.Add(new SseRecord.Comment(line));
                    }

                    break;
                case EncoderOp.Retry r:
                    records.Add(new SseRecord.Retry(r.Milliseconds));
                    break;
                case EncoderOp.IdOnly id:
                    lastEventId = AsUtf8(id.Value);
                    break;
                case EncoderOp.Heartbeat:
                    records.Add(new SseRecord.Comment(""));
                    break;
            }
        }

        return new SseTranscript(records, lastEventId);
    }

    /// <summary>The text as a client sees it after UTF-8: lone surrogates become U+FFFD.</summary>
    public static string AsUtf8(string text) => Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(text));

    /// <summary>The text as UTF-8 with CRLF, CR and LF all read as LF.</summary>
    public static string NormalizeLines(string text) =>
        AsUtf8(text).Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');

    /// <summary>The script in its text form.</summary>
    public static string Format(IEnumerable<EncoderOp> script)
    {
        ArgumentNullException.ThrowIfNull(script);
        var builder = new StringBuilder();
        builder.Append("# SseEncoder script: one call per line; strings are hex UTF-16 code units after 'u', '-' is null\n");
        foreach (EncoderOp op in script)
        {
            builder.Append(op switch
            {
                EncoderOp.Event e => string.Join(' ', "event", Str(e.Data), Str(e.Type), Str(e.Id), e.RetryMs?.ToString(CultureInfo.InvariantCulture) ?? "-",
                    e.Form.ToString(), e.SplitPoints.Length == 0 ? "-" : string.Join(',', e.SplitPoints.Select(p => p.ToString(CultureInfo.InvariantCulture)))),
                EncoderOp.Comment c => string.Join(' ', "comment", Str(c.Text), c.Utf8 ? "utf8" : "chars"),
                EncoderOp.Retry r => "retry " + r.Milliseconds.ToString(CultureInfo.InvariantCulture),
                EncoderOp.IdOnly id => "id " + Str(id.Value),
                EncoderOp.Heartbeat => "heartbeat",
                _ => throw new ArgumentOutOfRangeException(nameof(script)),
            }).Append('\n');

            // A readable rendering of the call, for people.
            builder.Append("#   ").Append(op switch
            {
                EncoderOp.Event e => $"data={SseRecord.Escape(e.Data)} type={Show(e.Type)} id={Show(e.Id)}",
                EncoderOp.Comment c => $"text={SseRecord.Escape(c.Text)}",
                EncoderOp.IdOnly id => $"id={SseRecord.Escape(id.Value)}",
                _ => op.GetType().Name,
            }).Append('\n');
        }

        return builder.ToString();

        static string Show(string? s) => s is null ? "null" : SseRecord.Escape(s);
    }

    /// <summary>Reads a script from its text form.</summary>
    public static List<EncoderOp> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var script = new List<EncoderOp>();
        foreach (string raw in text.Split('\n'))
        {
            string line = raw.TrimEnd('\r');
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            string[] f = line.Split(' ');
            script.Add(f[0] switch
            {
                "event" => new EncoderOp.Event(Unstr(f[1])!, Unstr(f[2]), Unstr(f[3]), f[4] == "-" ? null : long.Parse(f[4], CultureInfo.InvariantCulture),
                    Enum.Parse<DataForm>(f[5]), f[6] == "-" ? [] : f[6].Split(',').Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray()),
                "comment" => new EncoderOp.Comment(Unstr(f[1])!, f[2] == "utf8"),
                "retry" => new EncoderOp.Retry(long.Parse(f[1], CultureInfo.InvariantCulture)),
                "id" => new EncoderOp.IdOnly(Unstr(f[1])!),
                "heartbeat" => new EncoderOp.Heartbeat(),
                _ => throw new FormatException($"Unknown encoder call '{f[0]}'."),
            });
        }

        return script;
    }

    private static string Str(string? value) =>
        value is null ? "-" : "u" + string.Concat(value.Select(c => ((int)c).ToString("x4", CultureInfo.InvariantCulture)));

    private static string? Unstr(string field)
    {
        if (field == "-")
        {
            return null;
        }

        var chars = new char[(field.Length - 1) / 4];
        for (int i = 0; i < chars.Length; i++)
        {
            chars[i] = (char)int.Parse(field.AsSpan(1 + (i * 4), 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        }

        return new string(chars);
    }

    private static ReadOnlySequence<byte> ToSequence(byte[] data, int[] splitPoints)
    {
        var offsets = splitPoints.Where(p => p >= 0 && p <= data.Length).Order().ToArray();
        return Segmenter.ToSequence(Segmenter.SplitAt(data, offsets));
    }
}

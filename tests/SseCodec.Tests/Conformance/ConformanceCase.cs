using System.Text;
using SseCodec.Reference;

namespace SseCodec.Tests.Conformance;

/// <summary>How a case's input may be rewritten for another line-ending style.</summary>
public enum LineEndings
{
    /// <summary>The input as written (every LF; or the case's own endings when it is about a specific ending).</summary>
    AsWritten,

    /// <summary>Every LF replaced by CRLF.</summary>
    Crlf,

    /// <summary>Every LF replaced by CR.</summary>
    Cr,

    /// <summary>LF, CRLF and CR in turn (never a CR ending followed by an LF ending, which would read as one CRLF).</summary>
    Mixed,
}

/// <summary>
/// One row of the conformance table: a sentence of the spec, an input written by hand and the records the spec
/// demands for it, also written by hand.
/// </summary>
public sealed record ConformanceCase(
    string Name,
    string Spec,
    byte[] Input,
    SseRecord[] Expected,
    string FinalLastEventId,
    bool FixedEndings)
{
    public override string ToString() => Name;

    /// <summary>The expected transcript: the records and the last event ID once the stream has ended.</summary>
    public SseTranscript ExpectedTranscript => new(Expected, FinalLastEventId);

    /// <summary>The line-ending styles this case is run with.</summary>
    public IEnumerable<LineEndings> Endings =>
        FixedEndings ? [LineEndings.AsWritten] : [LineEndings.AsWritten, LineEndings.Crlf, LineEndings.Cr, LineEndings.Mixed];

    /// <summary>The input with each LF rewritten in the given style.</summary>
    public byte[] InputWith(LineEndings endings)
    {
        if (endings == LineEndings.AsWritten)
        {
            return Input;
        }

        if (FixedEndings)
        {
            throw new InvalidOperationException($"Case {Name} is about specific line endings and is not rewritten.");
        }

        var output = new List<byte>(Input.Length * 2);
        int index = 0;
        bool previousWasCr = false;
        foreach (byte b in Input)
        {
            if (b != (byte)'\n')
            {
                output.Add(b);
                continue;
            }

            LineEndings style = endings == LineEndings.Mixed
                ? (index++ % 3) switch { 0 => LineEndings.AsWritten, 1 => LineEndings.Crlf, _ => LineEndings.Cr }
                : endings;
            if (style == LineEndings.AsWritten && previousWasCr)
            {
                // A lone LF right after a lone CR would merge with it into one CRLF ending.
                style = LineEndings.Crlf;
            }

            switch (style)
            {
                case LineEndings.AsWritten:
                    output.Add((byte)'\n');
                    break;
                case LineEndings.Crlf:
                    output.Add((byte)'\r');
                    output.Add((byte)'\n');
                    break;
                default:
                    output.Add((byte)'\r');
                    break;
            }

            previousWasCr = style == LineEndings.Cr;
        }

        return [.. output];
    }

    /// <summary>Builds an input from parts: strings as UTF-8, integers as raw bytes.</summary>
    public static byte[] Bytes(params object[] parts)
    {
        var output = new List<byte>();
        foreach (object part in parts)
        {
            switch (part)
            {
                case string text:
                    output.AddRange(Encoding.UTF8.GetBytes(text));
                    break;
                case int value:
                    output.Add(checked((byte)value));
                    break;
                case byte value:
                    output.Add(value);
                    break;
                default:
                    throw new ArgumentException($"Unsupported part {part}.", nameof(parts));
            }
        }

        return [.. output];
    }
}

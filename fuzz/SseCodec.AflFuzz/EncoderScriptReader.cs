using System.Runtime.InteropServices;
using System.Text;
using SseCodec.Reference;
using SseCodec.Reference.Oracles;

namespace SseCodec.AflFuzz;

/// <summary>
/// Reads a payload as a script of <see cref="SseEncoder"/> calls, so afl-fuzz can steer the encoder's inputs (event
/// fields) directly. Calls are separated by 0x1E, fields within a call by 0x1F. The first byte of a call chooses it:
/// bits 0-2 the call (0 comment, 1 retry, 2 id only, 3 heartbeat, 4-7 event, the most interesting), bit 3 reads text
/// as UTF-16LE (so lone surrogates reach the encoder) instead of UTF-8, bits 4-5 the data overload (chars, UTF-8,
/// sequence), bits 6-7 the sequence's segment size. An event's fields are data, type, id and retry; a missing field is
/// <see langword="null"/>, so a type or id with CR, LF or U+0000 is an invalid call the encoder must reject.
/// </summary>
internal static class EncoderScriptReader
{
    /// <summary>The most calls read from one payload, so an execution stays short.</summary>
    public const int MaxCalls = 64;

    private const byte CallSeparator = 0x1E;
    private const byte FieldSeparator = 0x1F;

    public static List<EncoderOp> Read(byte[] payload)
    {
        var script = new List<EncoderOp>();
        foreach (byte[] call in Split(payload, CallSeparator))
        {
            if (script.Count == MaxCalls)
            {
                break;
            }

            if (call.Length == 0)
            {
                script.Add(new EncoderOp.Heartbeat());
                continue;
            }

            byte head = call[0];
            bool utf16 = (head & 0x08) != 0;
            List<byte[]> fields = Split(call[1..], FieldSeparator);
            string? Text(int index) => index < fields.Count ? Decode(fields[index], utf16) : null;
            script.Add((head & 7) switch
            {
                0 => new EncoderOp.Comment(Text(0) ?? "", Utf8: (head & 0x30) != 0),
                1 => new EncoderOp.Retry(Milliseconds(fields[0])),
                2 => new EncoderOp.IdOnly(Text(0) ?? ""),
                3 => new EncoderOp.Heartbeat(),
                _ => Event(head, Text(0) ?? "", Text(1), Text(2), fields.Count > 3 ? Milliseconds(fields[3]) : null),
            });
        }

        return script;
    }

    private static EncoderOp.Event Event(byte head, string data, string? type, string? id, long? retry)
    {
        var form = (DataForm)Math.Min((head >> 4) & 3, (int)DataForm.Sequence);
        int length = Encoding.UTF8.GetByteCount(data);
        int step = (head >> 6) + 1;
        int[] splits = form == DataForm.Sequence
            ? Enumerable.Range(1, Math.Max(0, (length - 1) / step)).Select(i => i * step).Where(p => p < length).ToArray()
            : [];
        return new EncoderOp.Event(data, type, id, retry, form, splits);
    }

    /// <summary>Any bytes as a reconnection time the encoder accepts and a parser keeps (at most the model's maximum).</summary>
    private static long Milliseconds(byte[] field)
    {
        ulong value = 0;
        foreach (byte b in field)
        {
            value = ((value * 256) + b) % ((ulong)SpecModel.MaxRetryMilliseconds + 1);
        }

        return (long)value;
    }

    private static string Decode(byte[] bytes, bool utf16) =>
        utf16 ? new string(MemoryMarshal.Cast<byte, char>(bytes.AsSpan(0, bytes.Length & ~1))) : Encoding.UTF8.GetString(bytes);

    private static List<byte[]> Split(byte[] bytes, byte separator)
    {
        var parts = new List<byte[]>();
        int start = 0;
        for (int i = 0; i <= bytes.Length; i++)
        {
            if (i == bytes.Length || bytes[i] == separator)
            {
                parts.Add(bytes[start..i]);
                start = i + 1;
            }
        }

        return parts;
    }
}

using System.Buffers;

namespace SseCodec.Reference.Oracles;

/// <summary>
/// The encoder round trip from the other side: a script of encoder calls is written, invalid calls must throw
/// <see cref="ArgumentException"/> having written nothing, and the parser must read back exactly the events, comments,
/// reconnection times and last event ID the script meant: <c>parse(encode(e)) == e</c>.
/// </summary>
public static class EncoderOracle
{
    public static string? Check(IReadOnlyList<EncoderOp> script, out byte[] encoded)
    {
        ArgumentNullException.ThrowIfNull(script);
        var buffer = new ArrayBufferWriter<byte>();
        encoded = [];
        foreach (EncoderOp op in script)
        {
            int before = buffer.WrittenCount;
            bool invalid = EncoderScript.IsInvalid(op);
            try
            {
                EncoderScript.Write(buffer, op);
            }
            catch (ArgumentException) when (invalid)
            {
                if (buffer.WrittenCount != before)
                {
                    return $"the rejected call {op} wrote {buffer.WrittenCount - before} bytes";
                }

                continue;
            }

            if (invalid)
            {
                return $"the invalid call {op} was not rejected";
            }
        }

        encoded = buffer.WrittenSpan.ToArray();
        SseTranscript expected = EncoderScript.Expected(script);
        SseTranscript actual = Harness.RunSpans([encoded]);
        return actual.Equals(expected)
            ? null
            : $"parse(encode(script)) differs from the script\nencoded:  {InputText.Describe(encoded)}\n" +
              $"expected: {InputText.Describe(expected)}\nactual:   {InputText.Describe(actual)}";
    }
}

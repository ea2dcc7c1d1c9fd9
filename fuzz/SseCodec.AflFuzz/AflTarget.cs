using SseCodec.Reference.Oracles;

namespace SseCodec.AflFuzz;

/// <summary>One execution: the input's control byte picks the decoder target or the encoder round trip.</summary>
internal static class AflTarget
{
    /// <summary>Checks one input with the oracles; <see langword="null"/> when every one holds.</summary>
    public static OracleFailure? Check(byte[] input)
    {
        AflInput parsed = AflInput.Parse(input);
        if (!parsed.IsEncoderScript)
        {
            return DecoderTarget.Check(parsed.Payload, parsed);
        }

        // bytes -> event fields -> encode -> parse -> compare (EncoderOracle), then the encoded stream goes through
        // the decoder target like any other, so the encoder's output is also checked segmented and under limits.
        List<EncoderOp> script = EncoderScriptReader.Read(parsed.Payload);
        byte[] encoded = [];
        return OracleRunner.Run(OracleNames.Encoder, () => EncoderOracle.Check(script, out encoded))
            ?? OracleRunner.Run(OracleNames.Encoder, () => CheckExactSpans(script, encoded))
            ?? DecoderTarget.Check(encoded, parsed);
    }

    /// <summary>
    /// The event stream the decoder target checks for this input (the payload, or what the encoder wrote for a
    /// script), with the oracle seed it uses: what a regression file in <c>fuzz/corpus/regressions</c> holds.
    /// </summary>
    public static (byte[] Stream, int OracleSeed) DecoderInput(byte[] input)
    {
        AflInput parsed = AflInput.Parse(input);
        byte[] stream = parsed.Payload;
        if (parsed.IsEncoderScript)
        {
            EncoderOracle.Check(EncoderScriptReader.Read(parsed.Payload), out stream);
        }

        return (stream, DecoderTarget.OracleSeed(stream, parsed));
    }

    /// <summary>The same script written into spans exactly as large as asked for gives the same bytes.</summary>
    private static string? CheckExactSpans(List<EncoderOp> script, byte[] encoded)
    {
        var writer = new ExactSizeBufferWriter();
        foreach (EncoderOp op in script)
        {
            if (!EncoderScript.IsInvalid(op))
            {
                EncoderScript.Write(writer, op);
            }
        }

        byte[] written = writer.WrittenBytes;
        return written.AsSpan().SequenceEqual(encoded)
            ? null
            : $"the script written into exact-size spans differs from the same script written into an ArrayBufferWriter\n" +
              $"array: {InputText.Describe(encoded)}\nexact: {InputText.Describe(written)}";
    }
}

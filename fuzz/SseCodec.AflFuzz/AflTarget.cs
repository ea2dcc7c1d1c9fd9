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
            ?? DecoderTarget.Check(encoded, parsed);
    }
}

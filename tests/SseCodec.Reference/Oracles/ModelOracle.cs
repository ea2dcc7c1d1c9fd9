namespace SseCodec.Reference.Oracles;

/// <summary>The parser, given the whole input at once, produces what the reference model of the spec produces.</summary>
public static class ModelOracle
{
    public static string? Check(byte[] input, SseTranscript model)
    {
        SseTranscript actual = Harness.RunSpans([input]);
        return actual.Equals(model)
            ? null
            : $"parser (whole input, span items) differs from the model\nexpected: {InputText.Describe(model)}\nactual:   {InputText.Describe(actual)}";
    }
}

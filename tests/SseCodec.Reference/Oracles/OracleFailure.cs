namespace SseCodec.Reference.Oracles;

/// <summary>The names of the fuzzing oracles, as written into findings.</summary>
public static class OracleNames
{
    /// <summary>The parser over the whole input agrees with <see cref="SpecModel"/>.</summary>
    public const string Model = "model";

    /// <summary>Every segmentation, through the sync core and through <see cref="SseReader"/>, gives the same transcript.</summary>
    public const string Segmentation = "segmentation";

    /// <summary><c>parse(encode(parse(x))) == parse(x)</c>: the encoder writes back any parsed transcript.</summary>
    public const string RoundTrip = "roundtrip";

    /// <summary><c>parse(encode(e)) == e</c> for a script of encoder calls, and invalid calls write nothing.</summary>
    public const string Encoder = "encoder";

    /// <summary>Agreement with System.Net.ServerSentEvents.SseParser, documented divergences normalized.</summary>
    public const string Differential = "differential";

    /// <summary>Only the documented limit error, at the same place on every path; no buffer left rented; memory bounded.</summary>
    public const string Robustness = "robustness";

    /// <summary>Every oracle name, in the order the suite runs them.</summary>
    public static IReadOnlyList<string> All { get; } = [Model, Segmentation, RoundTrip, Differential, Robustness, Encoder];
}

/// <summary>An oracle that failed, and why.</summary>
public sealed record OracleFailure(string Oracle, string Message)
{
    public override string ToString() => $"[{Oracle}] {Message}";
}

namespace SseCodec.Reference.Oracles;

/// <summary>
/// Parser bugs the fuzzer found that are reported and not yet fixed, each excluded for exactly the inputs it concerns so
/// that fuzzing runs stay clean and meaningful meanwhile. Each has a skipped test in FuzzRegressionTests that replays it
/// without the exclusion. When a bug is fixed: delete its entry here, unskip its test, and move its finding from
/// <c>fuzz/findings/</c> to <c>fuzz/corpus/regressions/</c>.
/// </summary>
public static class KnownIssues
{
    private static readonly byte[] PartialBom = [0xEF, 0xBB];

    /// <summary>
    /// K1 (finding robustness-f257f0501a5e): a stream that is exactly the first two bytes of a BOM, <c>EF BB</c>, ends
    /// with no <see cref="SseLimitExceededException"/> under <c>MaxLineLength = 1</c>, although those two bytes are an
    /// unterminated two-byte line (they are not a BOM) and <c>ab</c>, <c>EF 61</c> or <c>EF BB 61</c> all fail there.
    /// The decoder holds a possible BOM prefix back from the line until it is decided, and <c>Complete()</c> discards
    /// it without the length check. Memory stays bounded (two bytes); only the limit error is missing.
    /// </summary>
    public static bool UndecidedBomPrefixEscapesLineLimit(ReadOnlySpan<byte> input, int maxLineLength) =>
        maxLineLength == 1 && input.SequenceEqual(PartialBom);
}

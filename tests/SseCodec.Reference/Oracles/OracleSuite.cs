using System.Text;

namespace SseCodec.Reference.Oracles;

/// <summary>
/// Runs every oracle that applies to an input and returns the first that fails. An exception escaping an oracle is a
/// failure of that oracle: the only exception the parser may throw is <see cref="SseLimitExceededException"/>, and only
/// where <see cref="RobustnessOracle"/> sets limits.
/// </summary>
public static class OracleSuite
{
    /// <summary>Checks a byte input with every byte-level oracle (or only <paramref name="only"/>).</summary>
    /// <param name="input">The event stream.</param>
    /// <param name="seed">Seeds the oracles' random choices (segmentations, limits), so a check is reproducible.</param>
    /// <param name="only">The one oracle to run, as when minimizing a finding; every oracle when <see langword="null"/>.</param>
    public static OracleFailure? Check(byte[] input, int seed, string? only = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        SseTranscript model;
        try
        {
            model = SpecModel.Parse(input);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new OracleFailure(OracleNames.Model, $"the reference model threw {e}");
        }

        return Run(OracleNames.Model, only, () => ModelOracle.Check(input, model))
            ?? Run(OracleNames.Segmentation, only, () => SegmentationOracle.Check(input, model, seed))
            ?? Run(OracleNames.RoundTrip, only, () => RoundTripOracle.Check(model, seed))
            ?? Run(OracleNames.Differential, only, () => DifferentialOracle.Check(input, model))
            ?? Run(OracleNames.Robustness, only, () => RobustnessOracle.Check(input, model, seed));
    }

    /// <summary>Checks an encoder script with the encoder oracle, then its output with every byte-level oracle.</summary>
    public static OracleFailure? Check(IReadOnlyList<EncoderOp> script, int seed, string? only = null)
    {
        byte[] encoded = [];
        OracleFailure? failure = Run(OracleNames.Encoder, only, () => EncoderOracle.Check(script, out encoded));
        return failure ?? (only is null or not OracleNames.Encoder ? Check(encoded, seed, only) : null);
    }

    /// <summary>Checks a corpus or regression file: <c>.ops</c> files are encoder scripts, anything else raw bytes.</summary>
    public static OracleFailure? CheckFile(string path, int seed)
    {
        ArgumentNullException.ThrowIfNull(path);
        return path.EndsWith(".ops", StringComparison.Ordinal)
            ? Check(EncoderScript.Parse(File.ReadAllText(path, Encoding.UTF8)), seed)
            : Check(File.ReadAllBytes(path), seed);
    }

    private static OracleFailure? Run(string oracle, string? only, Func<string?> check)
    {
        if (only is not null && only != oracle)
        {
            return null;
        }

        try
        {
            return check() is string message ? new OracleFailure(oracle, message) : null;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new OracleFailure(oracle, $"unexpected exception {e.GetType().FullName}: {e.Message}\n{e.StackTrace}");
        }
    }
}

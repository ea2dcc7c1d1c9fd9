using System.Globalization;

namespace SseCodec.Benchmarks.SideBySide;

/// <summary>
/// One ratio of the summary: <see cref="Slower"/>'s time over <see cref="Faster"/>'s, paired round by round (the two
/// ran back to back in each round), as the median and the range of the per-round ratios.
/// </summary>
public sealed record RatioRow(string Scenario, string Slower, string Faster, double Median, double Min, double Max)
{
    private const string Prefix = "#ratio\t";

    /// <summary>A line a child process prints so the parent can collect the row.</summary>
    public string ToLine() => string.Join('\t', Prefix.TrimEnd('\t'), Scenario, Slower, Faster, Format(Median), Format(Min), Format(Max));

    public static bool TryParse(string line, out RatioRow? row)
    {
        row = null;
        if (!line.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        string[] parts = line.Split('\t');
        row = new RatioRow(parts[1], parts[2], parts[3], Parse(parts[4]), Parse(parts[5]), Parse(parts[6]));
        return true;
    }

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static double Parse(string value) => double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture);
}

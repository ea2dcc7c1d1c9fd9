using System.Globalization;

namespace SseCodec.Benchmarks.AbTest;

/// <summary>
/// The A/B runner's command line: <c>ab DIR_A DIR_B [--seconds S] [--warmup W] [--launches N] WORKLOAD...</c>, where
/// each directory holds a build of this benchmark project (its <c>bin/Release/net10.0</c>) and each workload is
/// <c>encoder/METHOD</c> (an <see cref="EncoderBenchmarks"/> benchmark) or <c>read/LOOP/SHAPE</c> (a loop of
/// <see cref="EntryPoints"/> over an <see cref="Inputs"/> stream: see <see cref="BuildUnderTest"/>).
/// </summary>
public sealed class AbTestOptions
{
    public string DirectoryA { get; private set; } = "";

    public string DirectoryB { get; private set; } = "";

    /// <summary>Measured seconds per process, after the warm-up.</summary>
    public double Seconds { get; private set; } = 15;

    /// <summary>Seconds of interleaved rounds not counted: tiered JIT and PGO reach final code in them.</summary>
    public double WarmupSeconds { get; private set; } = 8;

    /// <summary>
    /// Fresh processes, the build loaded first alternating between them: the same build loaded twice into one process
    /// differs by up to 4 % by load order and code placement, so one process cannot tell a smaller change.
    /// </summary>
    public int Launches { get; private set; } = 4;

    /// <summary>Internal: this process is one launch, loading A first.</summary>
    public bool Child { get; private set; }

    public List<string> Workloads { get; } = [];

    public static AbTestOptions Parse(IReadOnlyList<string> args)
    {
        var options = new AbTestOptions();
        var positional = new List<string>();
        for (int i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--seconds":
                    options.Seconds = Number(args, ++i);
                    break;
                case "--warmup":
                    options.WarmupSeconds = Number(args, ++i);
                    break;
                case "--launches":
                    options.Launches = Math.Max(1, (int)Number(args, ++i));
                    break;
                case "--child":
                    options.Child = true;
                    break;
                default:
                    positional.Add(args[i]);
                    break;
            }
        }

        if (positional.Count < 3)
        {
            throw new ArgumentException("usage: ab DIR_A DIR_B [--seconds S] [--warmup W] [--launches N] WORKLOAD... (encoder/METHOD or read/LOOP/SHAPE)");
        }

        options.DirectoryA = Path.GetFullPath(positional[0]);
        options.DirectoryB = Path.GetFullPath(positional[1]);
        options.Workloads.AddRange(positional.Skip(2));
        return options;
    }

    /// <summary>The arguments of one child launch, loading <paramref name="first"/> first.</summary>
    public IEnumerable<string> ChildArguments(string first, string second) =>
        new[] { "ab", first, second, "--child", "--seconds", Format(Seconds), "--warmup", Format(WarmupSeconds) }.Concat(Workloads);

    private static string Format(double value) => value.ToString(CultureInfo.InvariantCulture);

    private static double Number(IReadOnlyList<string> args, int i) =>
        i < args.Count && double.TryParse(args[i], NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && value > 0
            ? value
            : throw new ArgumentException($"{args[i - 1]} needs a positive number");
}

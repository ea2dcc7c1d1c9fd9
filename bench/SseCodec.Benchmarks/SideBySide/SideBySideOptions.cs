using System.Globalization;

namespace SseCodec.Benchmarks.SideBySide;

/// <summary>The side-by-side runner's command line: <c>sidebyside [--seconds S] [--warmup W] [--round-ms M] [--filter text]... [--isolate] [--launches N] [--list]</c>.</summary>
public sealed class SideBySideOptions
{
    /// <summary>Measured seconds per contender per scenario, split into rounds.</summary>
    public double Seconds { get; private set; } = 2;

    /// <summary>The least warm-up per scenario, its contenders taking turns; it goes on until the JIT is quiet (tiered JIT and PGO need seconds).</summary>
    public double WarmupSeconds { get; private set; } = 3;

    /// <summary>The length of one contender's turn in a round.</summary>
    public double RoundMilliseconds { get; private set; } = 150;

    /// <summary>Scenarios whose name contains any of these (case-insensitive) run; all when empty.</summary>
    public List<string> Filters { get; } = [];

    /// <summary>Each scenario in a fresh child process (its contenders still together in that one process).</summary>
    public bool Isolate { get; private set; }

    /// <summary>
    /// How many fresh processes measure each scenario (implies <see cref="Isolate"/> when above 1): on a VM one process
    /// can run the same code 1.7x slower than the next, so a figure to print needs several.
    /// </summary>
    public int Launches { get; private set; } = 1;

    /// <summary>Only list the scenario names.</summary>
    public bool List { get; private set; }

    /// <summary>Internal: run exactly this scenario and print its results for a parent runner.</summary>
    public string? Only { get; private set; }

    /// <summary>The rounds per scenario: at least 5.</summary>
    public int Rounds => Math.Max(5, (int)Math.Round(Seconds * 1000 / RoundMilliseconds));

    public static SideBySideOptions Parse(IReadOnlyList<string> args)
    {
        var options = new SideBySideOptions();
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
                case "--round-ms":
                    options.RoundMilliseconds = Number(args, ++i);
                    break;
                case "--filter":
                    options.Filters.AddRange(Value(args, ++i).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                    break;
                case "--isolate":
                    options.Isolate = true;
                    break;
                case "--launches":
                    double launches = Number(args, ++i);
                    options.Launches = launches == Math.Floor(launches) && launches <= 100
                        ? (int)launches
                        : throw new ArgumentException($"sidebyside: --launches needs a whole number from 1 to 100, not '{args[i]}'");
                    options.Isolate |= options.Launches > 1;
                    break;
                case "--list":
                    options.List = true;
                    break;
                case "--only":
                    options.Only = Value(args, ++i);
                    break;
                default:
                    throw new ArgumentException($"sidebyside: unknown option '{args[i]}'. Usage: sidebyside [--seconds S] [--warmup W] [--round-ms M] [--filter text[,text]] [--isolate] [--launches N] [--list]");
            }
        }

        return options;
    }

    /// <summary>Whether <paramref name="scenario"/> is selected.</summary>
    public bool Selects(Scenario scenario) =>
        Only is not null
            ? scenario.Name == Only
            : Filters.Count == 0 || Filters.Exists(f => scenario.Name.Contains(f, StringComparison.OrdinalIgnoreCase) || (f == "*"));

    /// <summary>The arguments a child process gets to run one scenario with the same timing.</summary>
    public IEnumerable<string> ChildArguments(string scenario) =>
    [
        "sidebyside",
        "--seconds", Seconds.ToString(CultureInfo.InvariantCulture),
        "--warmup", WarmupSeconds.ToString(CultureInfo.InvariantCulture),
        "--round-ms", RoundMilliseconds.ToString(CultureInfo.InvariantCulture),
        "--only", scenario,
    ];

    private static string Value(IReadOnlyList<string> args, int i) =>
        i < args.Count ? args[i] : throw new ArgumentException($"sidebyside: {args[i - 1]} needs a value");

    private static double Number(IReadOnlyList<string> args, int i) =>
        double.TryParse(Value(args, i), NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && value > 0
            ? value
            : throw new ArgumentException($"sidebyside: {args[i - 1]} needs a positive number, not '{args[i]}'");
}

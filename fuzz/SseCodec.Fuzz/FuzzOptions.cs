using System.Globalization;

namespace SseCodec.Fuzz;

/// <summary>The command line: how long to run, from which seed, and where the corpus and findings live.</summary>
internal sealed record FuzzOptions
{
    public const string Usage = """
        usage: SseCodec.Fuzz [--seconds N] [--iterations N] [--seed S] [--from I]
                             [--corpus DIR] [--findings DIR] [--max-findings N] [--replay FILE...]

          --seconds N       stop after N seconds (default 60 unless --iterations is given)
          --iterations N    stop after N executions
          --seed S          the run's seed (default: a fresh one); printed, and the same seed replays the same inputs
          --from I          start at execution index I (with --seed, --iterations 1: one execution of a past run)
          --corpus DIR      the seed corpus (default fuzz/corpus; its regressions/ folder is used too)
          --findings DIR    where findings are written (default fuzz/findings)
          --max-findings N  stop minimizing and writing after N findings (default 10); later ones are still counted
          --replay FILE...  check the given .sse/.ops files with every oracle and exit (non-zero on a failure)
        """;

    public double? Seconds { get; init; }

    public long? Iterations { get; init; }

    public int Seed { get; init; }

    public bool SeedGiven { get; init; }

    public long From { get; init; }

    public string? Corpus { get; init; }

    public string? Findings { get; init; }

    public int MaxFindings { get; init; } = 10;

    public IReadOnlyList<string> Replay { get; init; } = [];

    public static FuzzOptions Parse(string[] args)
    {
        var options = new FuzzOptions();
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            options = args[i] switch
            {
                "--seconds" => options with { Seconds = double.Parse(Next(), CultureInfo.InvariantCulture) },
                "--iterations" => options with { Iterations = long.Parse(Next(), CultureInfo.InvariantCulture) },
                "--seed" => options with { Seed = int.Parse(Next(), CultureInfo.InvariantCulture), SeedGiven = true },
                "--from" => options with { From = long.Parse(Next(), CultureInfo.InvariantCulture) },
                "--corpus" => options with { Corpus = Next() },
                "--findings" => options with { Findings = Next() },
                "--max-findings" => options with { MaxFindings = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--replay" => options with { Replay = args[(i + 1)..] },
                "--help" or "-h" => throw new ArgumentException(""),
                _ => throw new ArgumentException($"Unknown option {args[i]}."),
            };
            if (args[i] == "--replay")
            {
                break;
            }
        }

        if (options.Seconds is null && options.Iterations is null)
        {
            options = options with { Seconds = 60 };
        }

        if (!options.SeedGiven)
        {
            options = options with { Seed = Random.Shared.Next() };
        }

        return options;
    }
}

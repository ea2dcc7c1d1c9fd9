namespace SseCodec.Reference.Oracles;

/// <summary>Where the fuzzer's corpus, regression corpus and findings live in the repository.</summary>
public static class FuzzLayout
{
    /// <summary>The repository root: the nearest folder above the working directory or the binaries holding SseCodec.sln.</summary>
    public static string FindRepositoryRoot()
    {
        foreach (string start in (string[])[Directory.GetCurrentDirectory(), AppContext.BaseDirectory])
        {
            for (DirectoryInfo? dir = new(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "SseCodec.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new DirectoryNotFoundException("No SseCodec.sln above the working directory or the binaries.");
    }

    /// <summary><c>fuzz/corpus</c>: the seed corpus (the conformance table's inputs).</summary>
    public static string CorpusDirectory(string root) => Path.Combine(root, "fuzz", "corpus");

    /// <summary><c>fuzz/corpus/regressions</c>: minimized findings, once fixed, replayed by a test on every CI run.</summary>
    public static string RegressionDirectory(string root) => Path.Combine(root, "fuzz", "corpus", "regressions");

    /// <summary><c>fuzz/findings</c>: where the fuzzer writes minimized failing inputs.</summary>
    public static string FindingsDirectory(string root) => Path.Combine(root, "fuzz", "findings");

    /// <summary>The input files of a corpus folder (<c>.sse</c> bytes and <c>.ops</c> encoder scripts), in ordinal order.</summary>
    public static IReadOnlyList<string> InputFiles(string directory) =>
        Directory.Exists(directory)
            ? Directory.EnumerateFiles(directory)
                .Where(f => f.EndsWith(".sse", StringComparison.Ordinal) || f.EndsWith(".ops", StringComparison.Ordinal))
                .Order(StringComparer.Ordinal)
                .ToList()
            : [];

    /// <summary>
    /// The oracle seeds to replay an input file with: a few fixed ones, and the seed that found it when a
    /// <c>.txt</c> report beside it records one (<c>oracle seed: N</c>).
    /// </summary>
    public static IReadOnlyList<int> ReplaySeeds(string inputPath)
    {
        ArgumentNullException.ThrowIfNull(inputPath);
        var seeds = new List<int> { 0, 1, 2 };
        string report = Path.ChangeExtension(inputPath, ".txt");
        if (File.Exists(report))
        {
            foreach (string line in File.ReadLines(report))
            {
                if (line.StartsWith("oracle seed: ", StringComparison.Ordinal)
                    && int.TryParse(line.AsSpan("oracle seed: ".Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int seed))
                {
                    seeds.Insert(0, seed);
                }
            }
        }

        return seeds.Distinct().ToList();
    }
}

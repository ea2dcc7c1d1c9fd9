using System.Diagnostics;

namespace SseCodec.Fuzz;

/// <summary>
/// Delta debugging (Zeller's ddmin): removes chunks of a failing input, halving the chunk size, while it still fails
/// the same way, down to an input from which no single element can be removed. Bounded in checks and time.
/// </summary>
internal static class Minimizer
{
    public static IReadOnlyList<T> Minimize<T>(IReadOnlyList<T> input, Func<IReadOnlyList<T>, bool> fails, int maxChecks = 4000, double maxSeconds = 60)
    {
        var clock = Stopwatch.StartNew();
        int checks = 0;
        bool Budget() => checks < maxChecks && clock.Elapsed.TotalSeconds < maxSeconds;
        bool Fails(IReadOnlyList<T> candidate)
        {
            checks++;
            return fails(candidate);
        }

        List<T> current = [.. input];
        int granularity = 2;
        while (current.Count >= 2 && Budget())
        {
            int chunk = (int)Math.Ceiling(current.Count / (double)granularity);
            bool reduced = false;

            // Try each complement (the input without one chunk); ddmin's "reduce to subset" step is subsumed for
            // granularity 2 and rarely pays off for streams, whose failures need context around them.
            for (int start = 0; start < current.Count && Budget(); start += chunk)
            {
                List<T> complement = [.. current.Take(start), .. current.Skip(start + chunk)];
                if (complement.Count < current.Count && Fails(complement))
                {
                    current = complement;
                    granularity = Math.Max(granularity - 1, 2);
                    reduced = true;
                    break;
                }
            }

            if (!reduced)
            {
                if (granularity >= current.Count)
                {
                    break;
                }

                granularity = Math.Min(granularity * 2, current.Count);
            }
        }

        // A last pass for an empty input, which the loop above never tries.
        if (current.Count == 1 && Budget() && Fails([]))
        {
            current = [];
        }

        return current;
    }
}

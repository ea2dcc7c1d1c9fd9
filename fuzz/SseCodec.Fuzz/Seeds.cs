namespace SseCodec.Fuzz;

/// <summary>
/// Per-execution seeds: execution <c>i</c> of a run with seed <c>S</c> always gets the same seed, whatever ran before
/// it, so one execution of a past run can be replayed alone (<c>--seed S --from i --iterations 1</c>).
/// </summary>
internal static class Seeds
{
    /// <summary>SplitMix64 over the run seed and the execution index.</summary>
    public static int ForExecution(int runSeed, long index)
    {
        ulong z = ((ulong)(uint)runSeed << 32) + (ulong)index * 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (int)(z & 0x7FFFFFFF);
    }
}

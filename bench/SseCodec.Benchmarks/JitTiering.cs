namespace SseCodec.Benchmarks;

/// <summary>
/// How the benchmark processes are started so that every contender is measured in its final code. Tiered compilation
/// holds a method's promotion (tier 0, then instrumented, then tier 1 with its profile) back for 100 ms after any other
/// method was compiled at tier 0; on this kind of machine that pushed the last promotions 3 to 8 seconds into a run,
/// past a short warm-up, and some measured rounds ran unfinished code. With the delay at 0 the same promotions happen
/// as soon as their call counts are reached: the final code is the same, it is reached within the first seconds.
/// </summary>
public static class JitTiering
{
    /// <summary>The runtime's setting for the delay.</summary>
    public const string CallCountingDelayVariable = "DOTNET_TC_CallCountingDelayMs";

    /// <summary>The delay benchmark processes are started with: 0, unless this process was started with a value of its own.</summary>
    public static string CallCountingDelay => Environment.GetEnvironmentVariable(CallCountingDelayVariable) ?? "0";

    /// <summary>This process's delay, for the header of a run.</summary>
    public static string Describe() =>
        Environment.GetEnvironmentVariable(CallCountingDelayVariable) is { } value
            ? $"call-counting delay {value} ms ({CallCountingDelayVariable})"
            : "call-counting delay default (100 ms)";
}

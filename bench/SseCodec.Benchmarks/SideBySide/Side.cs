namespace SseCodec.Benchmarks.SideBySide;

/// <summary>Whose code a contender runs.</summary>
public enum Side
{
    /// <summary>An SseCodec entry point: the subject.</summary>
    SseCodec,

    /// <summary>System.Net.ServerSentEvents.SseParser on the same stream kind: the counterpart.</summary>
    SseParser,

    /// <summary>The speed-of-light bound (<see cref="SpeedOfLightParser"/>): not a parser, the limit.</summary>
    Bound,
}

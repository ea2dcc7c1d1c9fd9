namespace SseCodec.Benchmarks.SideBySide;

/// <summary>What one contender measured in one scenario.</summary>
/// <param name="Contender">The contender.</param>
/// <param name="NanosecondsPerEvent">One figure per round, in round order.</param>
/// <param name="BytesPerEvent">Bytes allocated per event over one round's worth of runs.</param>
/// <param name="RunsPerRound">How many whole-stream runs made one round.</param>
public sealed record ContenderResult(Contender Contender, double[] NanosecondsPerEvent, double BytesPerEvent, int RunsPerRound)
{
    public double Median => Statistics.Median(NanosecondsPerEvent);
    public double Min => NanosecondsPerEvent.Min();
    public double Max => NanosecondsPerEvent.Max();
}

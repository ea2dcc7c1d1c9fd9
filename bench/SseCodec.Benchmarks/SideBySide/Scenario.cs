namespace SseCodec.Benchmarks.SideBySide;

/// <summary>One stream kind and input, and the contenders that read it side by side.</summary>
/// <param name="Name">The name <c>--filter</c> matches, <c>kind/shape</c>.</param>
/// <param name="Description">What the stream kind is and what each side is given.</param>
/// <param name="Events">Events per run, for ns/event.</param>
/// <param name="Bytes">Bytes per run, for GB/s.</param>
/// <param name="ShowThroughput">Print GB/s (large events, where bytes matter more than events).</param>
/// <param name="Contenders">SseCodec first, then SseParser, then the bound if any.</param>
public sealed record Scenario(string Name, string Description, int Events, long Bytes, bool ShowThroughput, IReadOnlyList<Contender> Contenders);

namespace SseCodec.Benchmarks.SideBySide;

/// <summary>One way of reading a scenario's whole stream, returning the checksum every contender must agree on.</summary>
/// <param name="Name">What it calls, as the report shows it.</param>
/// <param name="Side">Whose code it is.</param>
/// <param name="Run">Reads the whole stream once.</param>
/// <param name="CrossesThreads">
/// Its continuations may run on other threads (real I/O), so allocation is counted for the whole process
/// (<c>GC.GetTotalAllocatedBytes</c>) rather than for the calling thread.
/// </param>
public sealed record Contender(string Name, Side Side, Func<long> Run, bool CrossesThreads = false);

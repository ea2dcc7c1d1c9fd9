namespace SseCodec.Benchmarks.SideBySide;

/// <summary>
/// Every scenario of the side-by-side runner: each SseCodec entry point with SseParser on the same stream kind, for
/// each shape, and the 1 MiB single-line case. The same loops (<see cref="EntryPoints"/>) and stream kinds
/// (<see cref="EventStreams"/>) as the BenchmarkDotNet classes, so the two report the same thing.
/// </summary>
public static class ScenarioCatalog
{
    public static readonly Shape[] Shapes = [Shape.LlmTokens, Shape.Ticker, Shape.MultiLine];

    /// <summary>The scenarios; inputs are built when a scenario's contenders first run, the server when a loopback one does.</summary>
    /// <param name="server">Gives the loopback server, started on first use, serving every shape by name.</param>
    public static IReadOnlyList<Scenario> All(Func<LoopbackServer> server)
    {
        var scenarios = new List<Scenario>();
        foreach (Shape shape in Shapes)
        {
            var lazy = new Lazy<EventStreams>(() => EventStreams.Of(shape));
            int events = Inputs.SmallEventCount;
            long bytes = Inputs.Stream(shape).Length;

            scenarios.Add(new Scenario(
                $"decoder/{shape}",
                "SseDecoder.TryReadEvent over the whole stream in memory; SseParser over a MemoryStream of it (it takes only a Stream)",
                events,
                bytes,
                ShowThroughput: false,
                [
                    new("SseDecoder span", Side.SseCodec, () => EntryPoints.DecoderSpan(lazy.Value.Bytes)),
                    new("SseDecoder memory", Side.SseCodec, () => EntryPoints.DecoderMemory(lazy.Value.Bytes)),
                    new("SseDecoder sequence (1 segment)", Side.SseCodec, () => EntryPoints.DecoderSequence(lazy.Value.Sequence)),
                    new("SseParser.Enumerate(MemoryStream)", Side.SseParser, () => EntryPoints.SseParserSync(lazy.Value.Memory())),
                    new("speed of light (span)", Side.Bound, () => SpeedOfLightParser.Checksum(lazy.Value.Bytes)),
                    new("per-event bound (memory)", Side.Bound, () => PerEventBound.Checksum(lazy.Value.Bytes)),
                ]));

            scenarios.Add(new Scenario(
                $"stream/{shape}",
                "the whole stream in one MemoryStream, rewound per run",
                events,
                bytes,
                ShowThroughput: false,
                [
                    new("SseReader(Stream)", Side.SseCodec, () => Wait(EntryPoints.ReaderStream(lazy.Value.Memory()))),
                    new("SseParser.Enumerate", Side.SseParser, () => EntryPoints.SseParserSync(lazy.Value.Memory())),
                    new("SseParser.EnumerateAsync", Side.SseParser, () => Wait(EntryPoints.SseParserAsync(lazy.Value.Memory()))),
                ]));

            scenarios.Add(new Scenario(
                $"chunked/{shape}",
                $"a Stream returning pseudo-random {ChunkedStream.MinChunk}-{ChunkedStream.MaxChunk} byte chunks (seed {ChunkedStream.Seed}), at most one per read",
                events,
                bytes,
                ShowThroughput: false,
                [
                    new("SseReader(Stream)", Side.SseCodec, () => Wait(EntryPoints.ReaderStream(lazy.Value.Chunked()))),
                    new("SseParser.Enumerate", Side.SseParser, () => EntryPoints.SseParserSync(lazy.Value.Chunked())),
                    new("SseParser.EnumerateAsync", Side.SseParser, () => Wait(EntryPoints.SseParserAsync(lazy.Value.Chunked()))),
                ]));

            foreach (int bufferSize in (int[])[4 * 1024, 64 * 1024])
            {
                string size = $"{bufferSize / 1024}k";
                scenarios.Add(new Scenario(
                    $"pipe-{size}/{shape}",
                    $"PipeReader.Create(MemoryStream) with bufferSize {bufferSize}; SseParser over pipe.AsStream() of a pipe made the same way, and over the MemoryStream itself (stricter)",
                    events,
                    bytes,
                    ShowThroughput: false,
                    [
                        new($"SseReader(PipeReader {size})", Side.SseCodec, () => Wait(EntryPoints.ReaderPipe(lazy.Value.Pipe(bufferSize)))),
                        new($"SseParser.Enumerate(pipe {size}.AsStream())", Side.SseParser, () => SseParserOverPipe(lazy.Value, bufferSize)),
                        new("SseParser.Enumerate(MemoryStream)", Side.SseParser, () => EntryPoints.SseParserSync(lazy.Value.Memory())),
                    ]));
            }

            string name = shape.ToString();
            scenarios.Add(new Scenario(
                $"loopback/{shape}",
                "HttpClient GET to Kestrel on 127.0.0.1 writing the stream in 0.5-16 KiB chunks; both read the response stream (allocation: whole process, server included)",
                events,
                bytes,
                ShowThroughput: false,
                [
                    new("SseReader(response stream)", Side.SseCodec, () => Wait(server().ReadWithSseReaderAsync(name)), CrossesThreads: true),
                    new("SseParser.EnumerateAsync(response)", Side.SseParser, () => Wait(server().ReadWithSseParserAsync(name)), CrossesThreads: true),
                ]));
        }

        var large = new Lazy<EventStreams>(() => EventStreams.LargeLines(LargeLineEntryBenchmarks.DataLength, LargeLineEntryBenchmarks.Events));
        scenarios.Add(new Scenario(
            "large-1MiB",
            $"{LargeLineEntryBenchmarks.Events} events whose data is one 1 MiB line; the Stream is a MemoryStream of them",
            LargeLineEntryBenchmarks.Events,
            (long)LargeLineEntryBenchmarks.BytesPerEvent * LargeLineEntryBenchmarks.Events,
            ShowThroughput: true,
            [
                new("SseReader(Stream)", Side.SseCodec, () => Wait(EntryPoints.ReaderStream(large.Value.Memory()))),
                new("SseDecoder span", Side.SseCodec, () => EntryPoints.DecoderSpan(large.Value.Bytes)),
                new("SseParser.Enumerate(MemoryStream)", Side.SseParser, () => EntryPoints.SseParserSync(large.Value.Memory())),
                new("speed of light (span)", Side.Bound, () => SpeedOfLightParser.Checksum(large.Value.Bytes)),
            ]));

        return scenarios;
    }

    /// <summary>All the shapes' streams, by name, for the loopback server.</summary>
    public static IEnumerable<KeyValuePair<string, byte[]>> LoopbackStreams() =>
        Shapes.Select(shape => new KeyValuePair<string, byte[]>(shape.ToString(), Inputs.Stream(shape)));

    private static long SseParserOverPipe(EventStreams streams, int bufferSize)
    {
        using Stream stream = streams.Pipe(bufferSize).AsStream();
        return EntryPoints.SseParserSync(stream);
    }

    /// <summary>The result, without a Task when the read completed synchronously (every in-memory stream does).</summary>
    private static long Wait(ValueTask<long> pending) => pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
}

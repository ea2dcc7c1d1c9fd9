using SseCodec.Reference;
using SseCodec.Reference.Oracles;
using SseCodec.Tests.Conformance;

namespace SseCodec.Tests.Regressions;

/// <summary>
/// Replays the fuzzer's seed corpus (<c>fuzz/corpus</c>) and regression corpus (<c>fuzz/corpus/regressions</c>: minimized
/// findings, kept once fixed) through the same oracles the fuzzer runs, from SseCodec.Reference.
/// </summary>
public class FuzzRegressionTests
{
    private static readonly string Root = FuzzLayout.FindRepositoryRoot();

    public static TheoryData<string> CorpusFiles() => Files(FuzzLayout.CorpusDirectory(Root));

    public static TheoryData<string> RegressionFiles() => Files(FuzzLayout.RegressionDirectory(Root));

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void Corpus_input_passes_every_oracle(string file) => Replay(FuzzLayout.CorpusDirectory(Root), file);

    [Theory]
    [MemberData(nameof(RegressionFiles))]
    public void Regression_input_passes_every_oracle(string file) => Replay(FuzzLayout.RegressionDirectory(Root), file);

    /// <summary>
    /// The seed corpus holds every input of the conformance table, byte for byte. Set SSECODEC_EXPORT_CORPUS=1 to
    /// (re)write the files from the table.
    /// </summary>
    [Fact]
    public void Corpus_holds_every_conformance_input()
    {
        string directory = FuzzLayout.CorpusDirectory(Root);
        bool export = Environment.GetEnvironmentVariable("SSECODEC_EXPORT_CORPUS") == "1";
        var missing = new List<string>();
        foreach (ConformanceCase conformanceCase in ConformanceTable.Ordered)
        {
            string path = Path.Combine(directory, CorpusFileName(conformanceCase));
            if (export)
            {
                Directory.CreateDirectory(directory);
                File.WriteAllBytes(path, conformanceCase.Input);
            }

            if (!File.Exists(path) || !File.ReadAllBytes(path).AsSpan().SequenceEqual(conformanceCase.Input))
            {
                missing.Add(Path.GetFileName(path));
            }
        }

        Assert.True(missing.Count == 0, "Missing or different corpus files (SSECODEC_EXPORT_CORPUS=1 rewrites them): " + string.Join(", ", missing));
    }

    /// <summary>The oracle name a finding's file starts with must be one the suite knows, so it replays under it.</summary>
    [Fact]
    public void Regression_files_are_named_after_an_oracle()
    {
        foreach (string file in FuzzLayout.InputFiles(FuzzLayout.RegressionDirectory(Root)))
        {
            string name = Path.GetFileName(file);
            Assert.Contains(OracleNames.All, oracle => name.StartsWith(oracle + "-", StringComparison.Ordinal));
        }
    }

    /// <summary>
    /// K1, found by the fuzzer (robustness-f257f0501a5e): a stream of exactly <c>EF BB</c> ended with no error under
    /// <c>MaxLineLength = 1</c>, although those two bytes are a two-byte unterminated line, as <c>EF 61</c> is.
    /// </summary>
    [Fact]
    public void K1_an_undecided_BOM_prefix_at_the_end_is_checked_against_the_line_limit()
    {
        byte[] input = File.ReadAllBytes(Path.Combine(FuzzLayout.RegressionDirectory(Root), "robustness-f257f0501a5e.sse"));
        Assert.Equal(new byte[] { 0xEF, 0xBB }, input);
        using var decoder = new SseDecoder(new SseParserOptions { MaxLineLength = 1 });
        var error = Assert.Throws<SseLimitExceededException>(() =>
        {
            decoder.ReadItem(input, out _);
            decoder.Complete();
        });
        Assert.Equal(1, error.ByteOffset);
        Assert.Null(OracleSuite.Check(input, seed: 1008023175, OracleNames.Robustness));
    }

    /// <summary>
    /// K2, found by afl-fuzz (robustness-8d38894f9f17): a first data line assembled in the line buffer (it straddled
    /// two chunks) swapped that buffer for the data buffer, so the line buffer could keep an event-sized buffer from an
    /// earlier event. With <c>MaxEventSize</c> well above <c>MaxLineLength</c> the decoder then held a line buffer, a
    /// data buffer and a growing one, all event-sized: over the documented bound.
    /// </summary>
    [Fact]
    public void K2_a_line_buffer_never_keeps_an_event_sized_buffer()
    {
        var pool = new CountingArrayPool();
        var options = new SseParserOptions { MaxLineLength = 16, MaxEventSize = 1024, BufferPool = pool };
        string lines = string.Concat(Enumerable.Repeat("data:123456789\n", 100));
        byte[][] chunks =
        [
            System.Text.Encoding.ASCII.GetBytes(lines + "\n"),                 // 999 bytes of data: the data buffer grows to 1024
            "da"u8.ToArray(),                                                   // the next event's first data line straddles two chunks
            System.Text.Encoding.ASCII.GetBytes("ta:x\n" + lines + "\n"),     // ... and its data grows again
        ];
        int events = 0;
        using (var decoder = new SseDecoder(options))
        {
            foreach (byte[] chunk in chunks)
            {
                ReadOnlySpan<byte> rest = chunk;
                while (decoder.TryReadEvent(rest, out int consumed, out SseEvent e))
                {
                    events++;
                    rest = rest.Slice(consumed);
                }
            }

            decoder.Complete();
        }

        Assert.Equal(2, events);
        Assert.Equal(0, pool.Outstanding);
        Assert.InRange(pool.PeakBytes, 0, RobustnessOracle.MemoryBound(16, 1024));
        byte[] found = File.ReadAllBytes(Path.Combine(FuzzLayout.RegressionDirectory(Root), "robustness-8d38894f9f17.sse"));
        Assert.Null(OracleSuite.Check(found, seed: 6890094, OracleNames.Robustness));
    }

    private static string CorpusFileName(ConformanceCase conformanceCase) => $"conformance-{conformanceCase.Name}.sse";

    private static TheoryData<string> Files(string directory)
    {
        var data = new TheoryData<string>();
        foreach (string file in FuzzLayout.InputFiles(directory))
        {
            data.Add(Path.GetFileName(file));
        }

        if (data.Count == 0)
        {
            // xunit fails a theory without rows; an empty folder is a valid state for the regression corpus.
            data.Add("");
        }

        return data;
    }

    private static void Replay(string directory, string file)
    {
        if (file.Length == 0)
        {
            return;
        }

        string path = Path.Combine(directory, file);
        foreach (int seed in FuzzLayout.ReplaySeeds(path))
        {
            OracleFailure? failure = OracleSuite.CheckFile(path, seed);
            Assert.True(failure is null, $"{file} (oracle seed {seed}) fails {failure}");
        }
    }
}

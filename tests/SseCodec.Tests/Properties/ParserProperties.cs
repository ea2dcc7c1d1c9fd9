using FsCheck;
using FsCheck.Fluent;
using SseCodec.Reference;
using SseCodec.Tests.Conformance;

namespace SseCodec.Tests.Properties;

/// <summary>
/// Properties checked with FsCheck from plain xunit facts: a failure throws with the shrunk counterexample.
/// The span item reader (ReadItem over spans) is checked separately, skipped while a known bug stands.
/// </summary>
public class ParserProperties
{
    // Harnesses not hit by the known comment bug: they run always.
    private static readonly HarnessKind[] SyncHarnesses = [HarnessKind.SequenceItems, HarnessKind.SpanEvents, HarnessKind.MemoryEvents, HarnessKind.SequenceEvents];

    private static Config Runs(int count) => Config.QuickThrowOnFailure.WithMaxTest(count).WithEndSize(60);

    private static void AssertMatches(SseTranscript expected, HarnessKind harness, IReadOnlyList<byte[]> segments, string what)
    {
        if (Harness.IsEventsOnly(harness))
        {
            expected = expected.EventsOnly();
        }

        SseTranscript actual = Harness.Run(harness, segments);
        if (!expected.Equals(actual))
        {
            throw new InvalidOperationException($"{harness} over {what}:\nexpected {expected}\nactual   {actual}");
        }
    }

    private static void AllHarnessesMatchModel(byte[] input, IEnumerable<HarnessKind> harnesses, int? seed)
    {
        SseTranscript expected = SpecModel.Parse(input);
        foreach (HarnessKind harness in harnesses)
        {
            AssertMatches(expected, harness, Segmenter.Whole(input).Segments, "whole");
            if (seed is int s)
            {
                Segmentation random = Segmenter.Random(input, s, maxSize: 1 + (s & 7), emptyPercent: (s & 1) * 15);
                AssertMatches(expected, harness, random.Segments, random.Name);
            }
        }
    }

    [Fact]
    public void Structured_streams_match_the_model() =>
        Check.One(Runs(1500), Prop.ForAll(StreamGenerators.StreamArb(), (GeneratedEvents stream) =>
            AllHarnessesMatchModel(stream.ToBytes(), SyncHarnesses, seed: null)));

    [Fact]
    public void Raw_bytes_match_the_model() =>
        Check.One(Runs(1500), Prop.ForAll(StreamGenerators.RawBytesArb, (byte[] bytes) =>
            AllHarnessesMatchModel(bytes, SyncHarnesses, seed: null)));

    [Fact]
    public void Arbitrary_bytes_match_the_model() =>
        Check.One(Runs(500), Prop.ForAll(ArbMap.Default.ArbFor<byte[]>(), (byte[] bytes) =>
            AllHarnessesMatchModel(bytes, SyncHarnesses, seed: null)));

    [Fact]
    public void Random_segmentations_give_the_same_records_as_whole() =>
        Check.One(Runs(1500), Prop.ForAll(StreamGenerators.StreamArb(), ArbMap.Default.ArbFor<int>(), (GeneratedEvents stream, int seed) =>
        {
            byte[] input = stream.ToBytes();
            foreach (HarnessKind harness in SyncHarnesses)
            {
                SseTranscript whole = Harness.Run(harness, Segmenter.Whole(input).Segments);
                Segmentation random = Segmenter.Random(input, seed, maxSize: 1 + (seed & 7), emptyPercent: (seed & 1) * 15);
                SseTranscript segmented = Harness.Run(harness, random.Segments);
                if (!whole.Equals(segmented))
                {
                    throw new InvalidOperationException($"{harness}, {random.Name}:\nwhole     {whole}\nsegmented {segmented}");
                }
            }

            AllHarnessesMatchModel(input, SyncHarnesses, seed);
        }));

    [Fact]
    public void Raw_bytes_segmented_match_the_model() =>
        Check.One(Runs(1000), Prop.ForAll(StreamGenerators.RawBytesArb, ArbMap.Default.ArbFor<int>(), (byte[] bytes, int seed) =>
            AllHarnessesMatchModel(bytes, SyncHarnesses, seed)));

    [Fact]
    public void Line_endings_do_not_change_the_records() =>
        Check.One(Runs(800), Prop.ForAll(StreamGenerators.StreamArb(), (GeneratedEvents stream) =>
        {
            SseTranscript lf = Harness.Run(HarnessKind.SequenceItems, Segmenter.Whole(stream.WithEndings("\n").ToBytes()).Segments);
            foreach (string ending in new[] { "\r\n", "\r", "mixed" })
            {
                byte[] input = stream.WithEndings(ending).ToBytes();
                foreach (HarnessKind harness in SyncHarnesses)
                {
                    SseTranscript expected = Harness.IsEventsOnly(harness) ? lf.EventsOnly() : lf;
                    SseTranscript actual = Harness.Run(harness, Segmenter.Whole(input).Segments);
                    if (!expected.Equals(actual))
                    {
                        throw new InvalidOperationException($"{harness} with {SseRecord.Escape(ending)} endings:\nLF  {expected}\nnow {actual}");
                    }
                }
            }
        }));

    [Fact]
    public void Pipe_and_stream_readers_match_the_model() =>
        Check.One(Runs(150), Prop.ForAll(StreamGenerators.StreamArb(), ArbMap.Default.ArbFor<int>(), (GeneratedEvents stream, int seed) =>
        {
            byte[] input = stream.ToBytes();
            SseTranscript expected = SpecModel.Parse(input);
            Segmentation random = Segmenter.Random(input, seed, maxSize: 1 + (seed & 15));
            AssertMatches(expected, HarnessKind.ReaderItems, random.Segments, random.Name);
            AssertMatches(expected, HarnessKind.ReaderEvents, random.Segments, random.Name);
            AssertMatches(expected, HarnessKind.StreamItems, random.Segments, random.Name);
        }));

    [Fact]
    public void Span_item_reader_matches_the_model() =>
        Check.One(Runs(1500), Prop.ForAll(StreamGenerators.StreamArb(), ArbMap.Default.ArbFor<int>(), (GeneratedEvents stream, int seed) =>
            AllHarnessesMatchModel(stream.ToBytes(), [HarnessKind.SpanItems], seed)));
}

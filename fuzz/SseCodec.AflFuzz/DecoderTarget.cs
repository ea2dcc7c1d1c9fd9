using SseCodec.Reference;
using SseCodec.Reference.Oracles;

namespace SseCodec.AflFuzz;

/// <summary>
/// The decoder target: an event stream through the synchronous core (span, memory and multi-segment sequence entry
/// points) cut at places the input chooses, checked against <see cref="SpecModel"/>; then the encoder round trip of
/// what was parsed, the agreement with System.Net's SseParser, and the robustness oracle (small limits, the limit
/// error only where <see cref="LimitModel"/> says so, SseReader over a pipe, no buffer left rented).
/// </summary>
internal static class DecoderTarget
{
    private static readonly HarnessKind[] EventsOnlyKinds = [HarnessKind.SpanEvents, HarnessKind.MemoryEvents, HarnessKind.SequenceEvents];

    /// <summary>Checks one stream; <paramref name="control"/> is the input's control byte.</summary>
    public static OracleFailure? Check(byte[] stream, AflInput control)
    {
        SseTranscript model;
        try
        {
            model = SpecModel.Parse(stream);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new OracleFailure(OracleNames.Model, $"the reference model threw {e}");
        }

        int seed = OracleSeed(stream, control);
        Segmentation segmentation = Segment(stream, control);
        return OracleRunner.Run(OracleNames.Model, () => ModelOracle.Check(stream, model))
            ?? OracleRunner.Run(OracleNames.Segmentation, () => CheckSegmented(segmentation, model, control))
            ?? OracleRunner.Run(OracleNames.RoundTrip, () => RoundTripOracle.Check(model, seed))
            ?? OracleRunner.Run(OracleNames.Differential, () => DifferentialOracle.Check(stream, model))
            ?? OracleRunner.Run(OracleNames.Robustness, () => RobustnessOracle.Check(stream, model, seed));
    }

    /// <summary>
    /// The seed of the oracles' own random choices (limits, the reader's segmentation): from the control byte and the
    /// length, so the same bytes always take the same paths, and a finding replays in the differential fuzzer's tools.
    /// </summary>
    public static int OracleSeed(byte[] stream, AflInput control) => (control.Control * 65599) + stream.Length;

    /// <summary>
    /// The cut the control byte asks for: fixed-size segments of 1 to 32 bytes, a cut after every CR (a CRLF split
    /// between two segments), a cut after every CR and LF, or random sizes with empty segments.
    /// </summary>
    public static Segmentation Segment(byte[] stream, AflInput control) => control.SegmentationMode switch
    {
        0 => Segmenter.FixedSize(stream, control.Parameter + 1),
        1 => SegmentationOracle.AfterEveryCr(stream),
        2 => Segmenter.SplitAt(stream, [.. LineEndOffsets(stream)]) with { Name = "after every CR and LF" },
        _ => Segmenter.Random(stream, control.Parameter, maxSize: 8, emptyPercent: 20),
    };

    private static string? CheckSegmented(Segmentation segmentation, SseTranscript model, AflInput control)
    {
        HarnessKind eventsOnly = EventsOnlyKinds[control.Parameter % EventsOnlyKinds.Length];
        foreach (HarnessKind kind in (HarnessKind[])[HarnessKind.SpanItems, HarnessKind.SequenceItems, eventsOnly])
        {
            SseTranscript expected = Harness.IsEventsOnly(kind) ? model.EventsOnly() : model;
            SseTranscript actual = Harness.Run(kind, segmentation.Segments);
            if (!actual.Equals(expected))
            {
                return $"{kind} over {segmentation.Name} ({segmentation.Segments.Count} segments) differs from the model\n" +
                       $"expected: {InputText.Describe(expected)}\nactual:   {InputText.Describe(actual)}";
            }
        }

        return null;
    }

    private static IEnumerable<int> LineEndOffsets(byte[] stream)
    {
        for (int i = 0; i < stream.Length; i++)
        {
            if (stream[i] is (byte)'\r' or (byte)'\n')
            {
                yield return i + 1;
            }
        }
    }
}

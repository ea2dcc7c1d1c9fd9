namespace SseCodec.Reference.Oracles;

/// <summary>
/// Segmentation invariance: the input under several segmentations (random sizes, empty segments, a cut after every CR,
/// one byte at a time) gives the model's transcript through every entry point of the synchronous core, and through
/// <see cref="SseReader"/> over a trickling pipe and over a stream.
/// </summary>
public static class SegmentationOracle
{
    /// <summary>The most segments the asynchronous readers are given (each is a separate flush and read).</summary>
    private const int MaxReaderSegments = 256;

    private static readonly int[] SegmentSizes = [1, 2, 3, 5, 8, 13, 64, 256, 4096];

    public static string? Check(byte[] input, SseTranscript model, int seed)
    {
        ArgumentNullException.ThrowIfNull(input);
        var random = new Random(seed);
        var plans = new List<Segmentation>();
        if (Array.IndexOf(input, (byte)'\r') >= 0)
        {
            plans.Add(AfterEveryCr(input));
        }

        plans.Add(Segmenter.Random(input, random.Next(), SegmentSizes[random.Next(SegmentSizes.Length)], emptyPercent: random.Next(3) == 0 ? 10 : 0));
        plans.Add(Segmenter.Random(input, random.Next(), SegmentSizes[random.Next(SegmentSizes.Length)]));
        if (input.Length is > 1 and <= 4096)
        {
            plans.Add(Segmenter.OneBytePerSegment(input));
        }

        HarnessKind[] eventsOnly = [HarnessKind.MemoryEvents, HarnessKind.SpanEvents, HarnessKind.SequenceEvents];
        for (int i = 0; i < plans.Count; i++)
        {
            foreach (HarnessKind kind in (HarnessKind[])[HarnessKind.SpanItems, HarnessKind.SequenceItems, eventsOnly[i % eventsOnly.Length]])
            {
                if (Compare(kind, plans[i], model) is string failure)
                {
                    return failure;
                }
            }
        }

        // The asynchronous readers: a random segmentation with a capped number of segments, and the cut after every CR.
        int minSize = Math.Max(1, (input.Length + MaxReaderSegments - 1) / MaxReaderSegments);
        Segmentation trickle = Segmenter.Random(input, random.Next(), Math.Max(minSize * 2, SegmentSizes[random.Next(SegmentSizes.Length)]), emptyPercent: random.Next(4) == 0 ? 10 : 0);
        var readerPlans = new List<(HarnessKind, Segmentation)>
        {
            (HarnessKind.ReaderItems, trickle),
            (random.Next(2) == 0 ? HarnessKind.StreamItems : HarnessKind.ReaderEvents, trickle),
        };
        if (plans[0].Name == "after every CR" && plans[0].Segments.Count <= MaxReaderSegments)
        {
            readerPlans.Add((HarnessKind.ReaderItems, plans[0]));
        }

        foreach ((HarnessKind kind, Segmentation segmentation) in readerPlans)
        {
            if (Compare(kind, segmentation, model) is string failure)
            {
                return failure;
            }
        }

        return null;
    }

    /// <summary>The input cut right after every CR, so that every CR ends a segment (a CRLF is split between two).</summary>
    public static Segmentation AfterEveryCr(byte[] input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var offsets = new List<int>();
        for (int i = 0; i < input.Length; i++)
        {
            if (input[i] == (byte)'\r')
            {
                offsets.Add(i + 1);
            }
        }

        return Segmenter.SplitAt(input, [.. offsets]) with { Name = "after every CR" };
    }

    private static string? Compare(HarnessKind kind, Segmentation segmentation, SseTranscript model)
    {
        SseTranscript expected = Harness.IsEventsOnly(kind) ? model.EventsOnly() : model;
        SseTranscript actual = Harness.Run(kind, segmentation.Segments);
        return actual.Equals(expected)
            ? null
            : $"{kind} over {segmentation.Name} ({segmentation.Segments.Count} segments) differs from the model\n" +
              $"expected: {InputText.Describe(expected)}\nactual:   {InputText.Describe(actual)}";
    }
}

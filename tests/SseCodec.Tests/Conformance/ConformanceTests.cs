using SseCodec.Reference;

namespace SseCodec.Tests.Conformance;

/// <summary>
/// Runs every case of <see cref="ConformanceTable"/> in every line-ending style it allows, through every harness,
/// over every segmentation: whole, every split point into two, one byte per segment (the pipe and stream readers: fewer).
/// </summary>
public class ConformanceTests
{
    private static readonly HarnessKind[] Harnesses =
    [
        HarnessKind.SpanItems,
        HarnessKind.SpanEvents,
        HarnessKind.MemoryEvents,
        HarnessKind.SequenceItems,
        HarnessKind.SequenceEvents,
        HarnessKind.ReaderItems,
        HarnessKind.ReaderEvents,
        HarnessKind.StreamItems,
    ];

    public static TheoryData<string, LineEndings, HarnessKind> ParserRows()
    {
        var rows = new TheoryData<string, LineEndings, HarnessKind>();
        foreach (ConformanceCase conformanceCase in ConformanceTable.Ordered)
        {
            foreach (LineEndings endings in conformanceCase.Endings)
            {
                foreach (HarnessKind harness in Harnesses)
                {
                    rows.Add(conformanceCase.Name, endings, harness);
                }
            }
        }

        return rows;
    }

    public static TheoryData<string, LineEndings> ModelRows()
    {
        var rows = new TheoryData<string, LineEndings>();
        foreach (ConformanceCase conformanceCase in ConformanceTable.Ordered)
        {
            foreach (LineEndings endings in conformanceCase.Endings)
            {
                rows.Add(conformanceCase.Name, endings);
            }
        }

        return rows;
    }

    [Theory]
    [MemberData(nameof(ParserRows))]
    public async Task Parser_conforms(string caseName, LineEndings endings, HarnessKind harness)
    {
        ConformanceCase conformanceCase = ConformanceTable.Cases[caseName];
        byte[] input = conformanceCase.InputWith(endings);
        SseTranscript expected = conformanceCase.ExpectedTranscript;
        if (Harness.IsEventsOnly(harness))
        {
            expected = expected.EventsOnly();
        }

        foreach (Segmentation segmentation in Segmentations(input, harness))
        {
            SseTranscript actual = await Harness.RunAsync(harness, segmentation.Segments);
            if (!expected.Equals(actual))
            {
                Assert.Fail(
                    $"Case {caseName} ({endings}, {harness}, {segmentation.Name}) violates:\n  {conformanceCase.Spec}\n" +
                    $"input:    {SseRecord.Escape(System.Text.Encoding.Latin1.GetString(input))}\n" +
                    $"expected: {expected}\nactual:   {actual}");
            }
        }
    }

    /// <summary>The oracle must agree with the hand-written table too, or it is no oracle.</summary>
    [Theory]
    [MemberData(nameof(ModelRows))]
    public void SpecModel_conforms(string caseName, LineEndings endings)
    {
        ConformanceCase conformanceCase = ConformanceTable.Cases[caseName];
        SseTranscript actual = SpecModel.Parse(conformanceCase.InputWith(endings));
        Assert.Equal(conformanceCase.ExpectedTranscript, actual);
    }

    [Fact]
    public void Case_names_are_unique_and_the_table_is_not_empty()
    {
        Assert.True(ConformanceTable.Ordered.Count >= 100, $"only {ConformanceTable.Ordered.Count} cases");
        Assert.Equal(ConformanceTable.Ordered.Count, ConformanceTable.Cases.Count);
    }

    [Theory]
    [InlineData(LineEndings.Crlf, "a\r\nb\r\n\r\n")]
    [InlineData(LineEndings.Cr, "a\rb\r\r")]
    [InlineData(LineEndings.Mixed, "a\nb\r\n\r")]
    public void Line_ending_rewriting_is_what_it_says(LineEndings endings, string expected)
    {
        var conformanceCase = new ConformanceCase("t", "", ConformanceCase.Bytes("a\nb\n\n"), [], "", FixedEndings: false);
        Assert.Equal(expected, System.Text.Encoding.ASCII.GetString(conformanceCase.InputWith(endings)));
    }

    [Fact]
    public void Mixed_rewriting_never_puts_an_LF_ending_right_after_a_CR_ending()
    {
        // LF, CRLF, CR, then LF would follow a CR: it becomes CRLF.
        var conformanceCase = new ConformanceCase("t", "", ConformanceCase.Bytes("a\n\n\n\n\n"), [], "", FixedEndings: false);
        Assert.Equal("a\n\r\n\r\r\n\r\n", System.Text.Encoding.ASCII.GetString(conformanceCase.InputWith(LineEndings.Mixed)));
    }

    private static IEnumerable<Segmentation> Segmentations(byte[] input, HarnessKind harness)
    {
        if (harness is HarnessKind.ReaderItems or HarnessKind.ReaderEvents or HarnessKind.StreamItems)
        {
            // The pipe costs a thread hop per segment: whole, one byte at a time, and a few cuts.
            yield return Segmenter.Whole(input);
            if (input.Length > 1)
            {
                yield return Segmenter.OneBytePerSegment(input);
                yield return Segmenter.SplitAt(input, input.Length / 2);
                yield return Segmenter.FixedSize(input, 3);
            }

            yield break;
        }

        foreach (Segmentation segmentation in Segmenter.Standard(input, maxSplits: 128))
        {
            yield return segmentation;
        }

        yield return Segmenter.Random(input, seed: input.Length, maxSize: 5, emptyPercent: 20);
    }
}

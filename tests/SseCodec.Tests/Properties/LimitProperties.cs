using FsCheck;
using FsCheck.Fluent;
using SseCodec.Reference;

namespace SseCodec.Tests.Properties;

/// <summary>With small limits, a parse either matches the model or fails with <see cref="SseLimitExceededException"/>, exactly when a limit is broken.</summary>
public class LimitProperties
{
    private static readonly HarnessKind[] Harnesses = [HarnessKind.SequenceItems, HarnessKind.SpanEvents, HarnessKind.MemoryEvents, HarnessKind.SequenceEvents];

    private static void CheckLimits(byte[] input, int maxLine, int maxEvent, int seed)
    {
        var options = new SseParserOptions { MaxLineLength = maxLine, MaxEventSize = maxEvent };
        bool exceeds = LimitModel.ExceedsLimits(input, maxLine, maxEvent);
        SseTranscript expected = SpecModel.Parse(input);
        foreach (HarnessKind harness in Harnesses)
        {
            foreach (Segmentation segmentation in new[] { Segmenter.Whole(input), Segmenter.Random(input, seed, maxSize: 1 + (seed & 7), emptyPercent: (seed & 1) * 10) })
            {
                string where = $"{harness}, {segmentation.Name}, maxLine={maxLine}, maxEvent={maxEvent}";
                SseTranscript actual;
                try
                {
                    actual = Harness.Run(harness, segmentation.Segments, options);
                }
                catch (SseLimitExceededException e)
                {
                    if (!exceeds)
                    {
                        throw new InvalidOperationException($"{where}: limit exception on a stream within the limits: {e.Message}", e);
                    }

                    continue;
                }

                if (exceeds)
                {
                    throw new InvalidOperationException($"{where}: no limit exception on a stream over the limits; got {actual}");
                }

                SseTranscript wanted = Harness.IsEventsOnly(harness) ? expected.EventsOnly() : expected;
                if (!wanted.Equals(actual))
                {
                    throw new InvalidOperationException($"{where}:\nexpected {wanted}\nactual   {actual}");
                }
            }
        }
    }

    [Fact]
    public void Small_limits_fail_exactly_when_broken() =>
        Check.One(
            Config.QuickThrowOnFailure.WithMaxTest(1000).WithEndSize(60),
            Prop.ForAll(
                StreamGenerators.StreamArb(),
                Gen.Choose(1, 24).ToArbitrary(),
                Gen.Zip(Gen.Choose(1, 40), Gen.Choose(0, int.MaxValue)).ToArbitrary(),
                (GeneratedEvents stream, int maxLine, (int MaxEvent, int Seed) rest) =>
                    CheckLimits(stream.ToBytes(), maxLine, rest.MaxEvent, rest.Seed)));

    [Theory]
    [InlineData("data: abc\n\n", 9, 3, false)]
    [InlineData("data: abc\n\n", 8, 3, true)]
    [InlineData("data: abc\n\n", 9, 2, true)]
    [InlineData("data: ab\ndata: c\n\n", 9, 4, false)]
    [InlineData("data: ab\ndata: c\n\n", 9, 3, true)]
    [InlineData("\uFEFFdata: abc\n\n", 9, 3, false)]
    [InlineData("data: abcdef", 9, 100, true)]
    [InlineData("data: ab\r\n\r\n", 8, 2, false)]
    public void Limit_model_examples(string input, int maxLine, int maxEvent, bool exceeds)
    {
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(input);
        Assert.Equal(exceeds, LimitModel.ExceedsLimits(bytes, maxLine, maxEvent));
        CheckLimits(bytes, maxLine, maxEvent, seed: 3);
    }
}

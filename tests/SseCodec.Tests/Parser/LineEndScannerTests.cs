namespace SseCodec.Tests.Parser;

/// <summary>The block scanner finds exactly what a naive search finds, for every start and end, across block edges.</summary>
public class LineEndScannerTests
{
    [Theory]
    [InlineData(1, 0.0)]
    [InlineData(2, 0.02)]
    [InlineData(3, 0.2)]
    [InlineData(4, 0.6)]
    public void Next_matches_a_naive_search_everywhere(int seed, double density)
    {
        var random = new Random(seed);
        foreach (int length in new[] { 0, 1, 63, 64, 65, 127, 128, 129, 200 })
        {
            byte[] bytes = new byte[length];
            for (int i = 0; i < length; i++)
            {
                double roll = random.NextDouble();
                bytes[i] = roll < density / 2 ? (byte)'\r' : roll < density ? (byte)'\n' : (byte)random.Next(32, 127);
            }

            for (int end = 0; end <= length; end++)
            {
                // One scanner per end, asked for ascending starts the way the decoder asks: its cached block is reused.
                var scanner = new LineEndScanner(bytes);
                for (int from = 0; from <= end; from++)
                {
                    Assert.Equal(Naive(bytes, from, end), scanner.Next(from, end));
                }

                // A fresh scanner for each start as well.
                for (int from = 0; from <= end; from++)
                {
                    Assert.Equal(Naive(bytes, from, end), new LineEndScanner(bytes).Next(from, end));
                }
            }
        }
    }

    [Theory]
    [InlineData((byte)'\n')]
    [InlineData((byte)'\r')]
    public void Next_finds_the_one_line_end_of_a_long_line_wherever_it_is(byte lineEnd)
    {
        // Past its first four blocks the scanner hands the rest of a line to IndexOfAny: a line end at every position of
        // a long line checks both steps and the hand-over between them, whatever the start and the end.
        const int Length = 1500;
        byte[] bytes = new byte[Length];
        for (int position = -1; position < Length; position++)
        {
            bytes.AsSpan().Fill((byte)'a');
            if (position >= 0)
            {
                bytes[position] = lineEnd;
            }

            foreach (int from in new[] { 0, 1, 31, 64, 130 })
            {
                foreach (int end in new[] { Length, Length - 1, position, position + 1, from + 300 })
                {
                    if (end >= from && end <= Length)
                    {
                        Assert.Equal(Naive(bytes, from, end), new LineEndScanner(bytes).Next(from, end));
                    }
                }
            }
        }
    }

    private static int Naive(byte[] bytes, int from, int end)
    {
        for (int i = from; i < end; i++)
        {
            if (bytes[i] is (byte)'\r' or (byte)'\n')
            {
                return i;
            }
        }

        return -1;
    }
}

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

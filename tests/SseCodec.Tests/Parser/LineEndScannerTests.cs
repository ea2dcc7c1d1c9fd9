namespace SseCodec.Tests.Parser;

/// <summary>The block scanner finds exactly what a naive search finds, for every start, across block edges.</summary>
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

            // One scanner asked for ascending starts the way the decoder asks: its cached block is reused.
            var scanner = new LineEndScanner(bytes);
            for (int from = 0; from <= length; from++)
            {
                Assert.Equal(Naive(bytes, from), scanner.Next(from));
            }

            // A fresh scanner for each start as well.
            for (int from = 0; from <= length; from++)
            {
                Assert.Equal(Naive(bytes, from), new LineEndScanner(bytes).Next(from));
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
                Assert.Equal(Naive(bytes, from), new LineEndScanner(bytes).Next(from));
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(300)]
    public void Next_does_not_search_below_the_floor_again(int floor)
    {
        // The bytes below the floor were searched before (a held line) and are known to hold no line end: a line end put
        // there anyway is not found, which shows they are not searched twice; the first one at or above the floor is.
        byte[] bytes = new byte[600];
        bytes.AsSpan().Fill((byte)'a');
        bytes[floor - 1] = (byte)'\n';
        bytes[floor + 5] = (byte)'\r';
        Assert.Equal(floor + 5, new LineEndScanner(bytes, searchFloor: floor).Next(0));
        Assert.Equal(floor - 1, new LineEndScanner(bytes).Next(0));
    }

    private static int Naive(byte[] bytes, int from)
    {
        for (int i = from; i < bytes.Length; i++)
        {
            if (bytes[i] is (byte)'\r' or (byte)'\n')
            {
                return i;
            }
        }

        return -1;
    }
}

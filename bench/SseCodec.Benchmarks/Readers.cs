using System.Buffers;
using System.IO.Pipelines;
using System.Net.ServerSentEvents;

namespace SseCodec.Benchmarks;

/// <summary>
/// Each side's read loop over a whole stream. Every loop touches each event's data and type, the way a consumer
/// dispatching on type would, and returns a checksum so nothing is optimized away.
/// </summary>
public static class Readers
{
    private static readonly SseItemParser<int> SpanParser = static (eventType, data) => data.Length;

    public static long SseParserSpan(Stream stream)
    {
        long total = 0;
        foreach (SseItem<int> item in SseParser.Create(stream, SpanParser).Enumerate())
        {
            total += item.Data + item.EventType.Length;
        }

        return total;
    }

    public static async Task<long> SseParserSpanAsync(Stream stream)
    {
        long total = 0;
        await foreach (SseItem<int> item in SseParser.Create(stream, SpanParser).EnumerateAsync())
        {
            total += item.Data + item.EventType.Length;
        }

        return total;
    }

    public static long SseParserString(Stream stream)
    {
        long total = 0;
        foreach (SseItem<string> item in SseParser.Create(stream).Enumerate())
        {
            total += item.Data.Length + item.EventType.Length;
        }

        return total;
    }

    public static long SseCodecSequence(ReadOnlySequence<byte> input) => EntryPoints.DecoderSequence(input);

    public static async Task<long> SseCodecReader(SseReader reader)
    {
        await using (reader)
        {
            long total = 0;
            while (await reader.ReadAsync())
            {
                SseEvent e = reader.Current;
                total += e.Data.Length + e.EventType.Length;
            }

            return total;
        }
    }

    public static Task<long> SseCodecPipe(ReadOnlySequence<byte> input) => SseCodecReader(new SseReader(PipeReader.Create(input)));

    public static Task<long> SseCodecStream(Stream stream) => SseCodecReader(new SseReader(stream, leaveOpen: true));

    /// <summary>Throws unless every reader gives the same checksum over the same bytes: both sides must see the same events.</summary>
    public static void AssertSame(string scenario, params long[] checksums)
    {
        if (checksums.Distinct().Count() != 1)
        {
            throw new InvalidOperationException($"{scenario}: the readers disagree: {string.Join(", ", checksums)}");
        }
    }
}

using System.Buffers;
using System.IO.Pipelines;
using System.Net.ServerSentEvents;

namespace SseCodec.Benchmarks;

/// <summary>
/// One read loop per entry point an embedder uses, SseCodec's and System.Net.ServerSentEvents.SseParser's, over a whole
/// event stream. Each touches every event's data length and its type as a string (what a consumer dispatching on the
/// type does) and returns the sum, which must be the same for every loop over the same bytes
/// (<see cref="Readers.AssertSame"/>). Each creates its parser per stream, as a caller does per response.
/// </summary>
/// <remarks>
/// The asynchronous loops return <see cref="ValueTask{TResult}"/>: over an in-memory stream they complete
/// synchronously and allocate nothing of their own, so what the allocation figures show is the library's.
/// </remarks>
public static class EntryPoints
{
    private static readonly SseItemParser<int> DataLength = static (_, data) => data.Length;

    /// <summary><c>SseDecoder.TryReadEvent(ReadOnlySpan&lt;byte&gt;, out int, out SseEvent)</c>, slicing off what it consumed.</summary>
    public static long DecoderSpan(ReadOnlySpan<byte> input)
    {
        using var decoder = new SseDecoder();
        long total = 0;
        while (decoder.TryReadEvent(input, out int consumed, out SseEvent e))
        {
            input = input.Slice(consumed);
            total += e.Data.Length + e.EventType.Length;
        }

        decoder.Complete();
        return total;
    }

    /// <summary><c>SseDecoder.TryReadEvent(ReadOnlyMemory&lt;byte&gt;, out int, out SseEvent)</c>: events may be slices of the input.</summary>
    public static long DecoderMemory(ReadOnlyMemory<byte> input)
    {
        using var decoder = new SseDecoder();
        long total = 0;
        while (decoder.TryReadEvent(input, out int consumed, out SseEvent e))
        {
            input = input.Slice(consumed);
            total += e.Data.Length + e.EventType.Length;
        }

        decoder.Complete();
        return total;
    }

    /// <summary><c>SseDecoder.TryReadEvent(ref ReadOnlySequence&lt;byte&gt;, out SseEvent)</c> over a single-segment sequence.</summary>
    public static long DecoderSequence(ReadOnlySequence<byte> input)
    {
        using var decoder = new SseDecoder();
        long total = 0;
        while (decoder.TryReadEvent(ref input, out SseEvent e))
        {
            total += e.Data.Length + e.EventType.Length;
        }

        decoder.Complete();
        return total;
    }

    /// <summary><c>new SseReader(Stream)</c> with <c>ReadAsync</c>/<c>Current</c>; the stream is left open for the next run.</summary>
    public static ValueTask<long> ReaderStream(Stream stream) => ReadAll(new SseReader(stream, leaveOpen: true));

    /// <summary><c>new SseReader(PipeReader)</c> with <c>ReadAsync</c>/<c>Current</c>; the reader completes the pipe.</summary>
    public static ValueTask<long> ReaderPipe(PipeReader pipe) => ReadAll(new SseReader(pipe));

    /// <summary><c>SseParser.Create(stream, parser).Enumerate()</c>: span mode, synchronous reads.</summary>
    public static long SseParserSync(Stream stream)
    {
        long total = 0;
        foreach (SseItem<int> item in SseParser.Create(stream, DataLength).Enumerate())
        {
            total += item.Data + item.EventType.Length;
        }

        return total;
    }

    /// <summary><c>SseParser.Create(stream, parser).EnumerateAsync()</c>: span mode, asynchronous reads.</summary>
    public static async ValueTask<long> SseParserAsync(Stream stream)
    {
        long total = 0;
        await foreach (SseItem<int> item in SseParser.Create(stream, DataLength).EnumerateAsync().ConfigureAwait(false))
        {
            total += item.Data + item.EventType.Length;
        }

        return total;
    }

    private static async ValueTask<long> ReadAll(SseReader reader)
    {
        using (reader)
        {
            long total = 0;
            while (await reader.ReadAsync().ConfigureAwait(false))
            {
                SseEvent e = reader.Current;
                total += e.Data.Length + e.EventType.Length;
            }

            return total;
        }
    }
}

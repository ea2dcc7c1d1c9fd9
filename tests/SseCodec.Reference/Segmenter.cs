using System.Buffers;
using System.Globalization;

namespace SseCodec.Reference;

/// <summary>One way of cutting a stream into the chunks a parser receives, with a name for failure messages.</summary>
public sealed record Segmentation(string Name, IReadOnlyList<byte[]> Segments)
{
    public override string ToString() => Name;

    /// <summary>The bytes of every segment, joined: the stream.</summary>
    public byte[] Join() => Segments.SelectMany(s => s).ToArray();
}

/// <summary>Cuts a byte array into segments (each a fresh array) and builds multi-segment sequences from them.</summary>
public static class Segmenter
{
    /// <summary>The stream as a single segment.</summary>
    public static Segmentation Whole(byte[] input) => new("whole", [Copy(input, 0, input.Length)]);

    /// <summary>The stream cut at the given offsets (ascending, 0..length; repeated or end offsets make empty segments).</summary>
    public static Segmentation SplitAt(byte[] input, params int[] offsets)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(offsets);
        var segments = new List<byte[]>(offsets.Length + 1);
        int previous = 0;
        foreach (int offset in offsets)
        {
            if (offset < previous || offset > input.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(offsets), "Offsets must ascend within the input.");
            }

            segments.Add(Copy(input, previous, offset - previous));
            previous = offset;
        }

        segments.Add(Copy(input, previous, input.Length - previous));
        return new("split at " + string.Join(",", offsets.Select(o => o.ToString(CultureInfo.InvariantCulture))), segments);
    }

    /// <summary>
    /// Every cut into two non-empty segments (split points 1..length-1). With <paramref name="maxSplits"/>, long inputs are
    /// cut at that many evenly spread points, the first and last few always included.
    /// </summary>
    public static IEnumerable<Segmentation> EveryTwoWaySplit(byte[] input, int maxSplits = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(input);
        foreach (int point in SplitPoints(input.Length, maxSplits))
        {
            yield return SplitAt(input, point);
        }
    }

    /// <summary>One byte per segment.</summary>
    public static Segmentation OneBytePerSegment(byte[] input) => FixedSize(input, 1) with { Name = "one byte per segment" };

    /// <summary>Segments of <paramref name="size"/> bytes, the last one shorter.</summary>
    public static Segmentation FixedSize(byte[] input, int size)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        var segments = new List<byte[]>();
        for (int offset = 0; offset < input.Length; offset += size)
        {
            segments.Add(Copy(input, offset, Math.Min(size, input.Length - offset)));
        }

        if (segments.Count == 0)
        {
            segments.Add([]);
        }

        return new("fixed size " + size.ToString(CultureInfo.InvariantCulture), segments);
    }

    /// <summary>
    /// Random segment sizes from 1 to <paramref name="maxSize"/>, reproducible from <paramref name="seed"/>; with
    /// <paramref name="emptyPercent"/> &gt; 0, that share of segments is empty.
    /// </summary>
    public static Segmentation Random(byte[] input, int seed, int maxSize = 8, int emptyPercent = 0)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSize, 1);
        var random = new Random(seed);
        var segments = new List<byte[]>();
        int offset = 0;
        while (offset < input.Length)
        {
            if (emptyPercent > 0 && random.Next(100) < emptyPercent)
            {
                segments.Add([]);
                continue;
            }

            int size = Math.Min(random.Next(1, maxSize + 1), input.Length - offset);
            segments.Add(Copy(input, offset, size));
            offset += size;
        }

        if (segments.Count == 0)
        {
            segments.Add([]);
        }

        return new(string.Create(CultureInfo.InvariantCulture, $"random seed={seed} max={maxSize} empty%={emptyPercent}"), segments);
    }

    /// <summary>The standard set: whole, every two-way split (capped), one byte per segment.</summary>
    public static IEnumerable<Segmentation> Standard(byte[] input, int maxSplits = 256)
    {
        yield return Whole(input);
        foreach (Segmentation split in EveryTwoWaySplit(input, maxSplits))
        {
            yield return split;
        }

        if (input.Length > 1)
        {
            yield return OneBytePerSegment(input);
        }
    }

    /// <summary>A sequence over the segments, one sequence segment each (empty segments included).</summary>
    public static ReadOnlySequence<byte> ToSequence(IReadOnlyList<byte[]> segments)
    {
        ArgumentNullException.ThrowIfNull(segments);
        if (segments.Count == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        if (segments.Count == 1)
        {
            return new ReadOnlySequence<byte>(segments[0]);
        }

        var first = new Segment(segments[0], 0);
        Segment last = first;
        for (int i = 1; i < segments.Count; i++)
        {
            last = last.Append(segments[i]);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <inheritdoc cref="ToSequence(IReadOnlyList{byte[]})"/>
    public static ReadOnlySequence<byte> ToSequence(Segmentation segmentation) =>
        ToSequence((segmentation ?? throw new ArgumentNullException(nameof(segmentation))).Segments);

    private static IEnumerable<int> SplitPoints(int length, int maxSplits)
    {
        if (length - 1 <= maxSplits)
        {
            for (int point = 1; point < length; point++)
            {
                yield return point;
            }

            yield break;
        }

        var points = new SortedSet<int>();
        int edge = Math.Min(8, maxSplits / 4);
        for (int i = 1; i <= edge; i++)
        {
            points.Add(i);
            points.Add(length - i);
        }

        int spread = Math.Max(1, maxSplits - points.Count);
        for (int i = 0; i < spread; i++)
        {
            points.Add(1 + (int)((long)i * (length - 2) / spread));
        }

        foreach (int point in points)
        {
            yield return point;
        }
    }

    private static byte[] Copy(byte[] input, int offset, int length) => input.AsSpan(offset, length).ToArray();

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}

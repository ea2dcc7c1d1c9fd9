using System.Buffers;

namespace SseCodec;

// Input as a ReadOnlySequence<byte>: a single segment is parsed directly; several segments one after another,
// each as a chunk of its own, so a line or a CRLF split across segments costs nothing extra.
public sealed partial class SseDecoder
{
    private SseItemKind ParseSequence(ref ReadOnlySequence<byte> input)
    {
        // Segments (a pipe's buffer): one is parsed directly and the rest put back together from the segment and index,
        // which costs far less per read than the general First and Slice; several are walked one after another.
        if (SequenceMarshal.TryGetReadOnlySequenceSegment(input, out ReadOnlySequenceSegment<byte>? startSegment, out int startIndex, out ReadOnlySequenceSegment<byte>? endSegment, out int endIndex))
        {
            if (!ReferenceEquals(startSegment, endSegment))
            {
                return ParseMultiSegment(ref input, startSegment, startIndex, endSegment, endIndex);
            }

            SseItemKind kind = ParseStable(startSegment.Memory.Slice(startIndex, endIndex - startIndex), out int consumed);
            input = new ReadOnlySequence<byte>(startSegment, startIndex + consumed, endSegment, endIndex);
            return kind;
        }

        // One array.
        if (SequenceMarshal.TryGetArray(input, out ArraySegment<byte> array))
        {
            SseItemKind kind = ParseStable(array.Array!, array.Offset, array.Count, out int consumed);
            input = new ReadOnlySequence<byte>(array.Array!, array.Offset + consumed, array.Count - consumed);
            return kind;
        }

        // One piece of other memory (a string's or a memory manager's).
        SseItemKind firstKind = ParseStable(input.First, out int firstConsumed);
        input = input.Slice(firstConsumed);
        return firstKind;
    }

    private SseItemKind ParseMultiSegment(ref ReadOnlySequence<byte> input, ReadOnlySequenceSegment<byte> segment, int index, ReadOnlySequenceSegment<byte> endSegment, int endIndex)
    {
        while (true)
        {
            bool isLast = ReferenceEquals(segment, endSegment);
            ReadOnlyMemory<byte> memory = segment.Memory;
            memory = memory.Slice(index, (isLast ? endIndex : memory.Length) - index);
            if (!memory.IsEmpty)
            {
                SseItemKind kind = ParseStable(memory, out int consumed);
                if (kind != SseItemKind.None)
                {
                    input = new ReadOnlySequence<byte>(segment, index + consumed, endSegment, endIndex);
                    return kind;
                }
            }

            if (isLast)
            {
                input = new ReadOnlySequence<byte>(segment, endIndex, segment, endIndex);
                return SseItemKind.None;
            }

            segment = segment.Next!;
            index = 0;
        }
    }
}

using System.Buffers;
using System.Runtime.InteropServices;

namespace SseCodec;

// Input as a ReadOnlySequence<byte>: a single segment is parsed directly; several segments one after another,
// each as a chunk of its own, so a line or a CRLF split across segments costs nothing extra.
public sealed partial class SseDecoder
{
    private SseItemKind ParseSequence(ref ReadOnlySequence<byte> input)
    {
        // One array, or one segment of a pipe: take it apart and put the rest back together directly, which costs far
        // less per read than the general First and Slice.
        if (SequenceMarshal.TryGetArray(input, out ArraySegment<byte> array))
        {
            ReadOnlyMemory<byte> memory = array;
            SseItemKind kind = ParseChunk(memory.Span, isStable: true, out int consumed);
            Publish(kind, memory);
            input = new ReadOnlySequence<byte>(array.Array!, array.Offset + consumed, array.Count - consumed);
            return kind;
        }

        if (SequenceMarshal.TryGetReadOnlySequenceSegment(input, out ReadOnlySequenceSegment<byte>? startSegment, out int startIndex, out ReadOnlySequenceSegment<byte>? endSegment, out int endIndex)
            && ReferenceEquals(startSegment, endSegment))
        {
            ReadOnlyMemory<byte> memory = startSegment.Memory.Slice(startIndex, endIndex - startIndex);
            SseItemKind kind = ParseChunk(memory.Span, isStable: true, out int consumed);
            Publish(kind, memory);
            input = new ReadOnlySequence<byte>(startSegment, startIndex + consumed, endSegment, endIndex);
            return kind;
        }

        if (input.IsSingleSegment)
        {
            ReadOnlyMemory<byte> memory = input.First;
            SseItemKind kind = ParseChunk(memory.Span, isStable: true, out int consumed);
            Publish(kind, memory);
            input = input.Slice(consumed);
            return kind;
        }

        return ParseMultiSegment(ref input);
    }

    private SseItemKind ParseMultiSegment(ref ReadOnlySequence<byte> input)
    {
        SequencePosition next = input.Start;
        SequencePosition segmentStart = next;
        while (input.TryGet(ref next, out ReadOnlyMemory<byte> memory))
        {
            if (!memory.IsEmpty)
            {
                SseItemKind kind = ParseChunk(memory.Span, isStable: true, out int consumed);
                if (kind != SseItemKind.None)
                {
                    Publish(kind, memory);
                    input = input.Slice(input.GetPosition(consumed, segmentStart));
                    return kind;
                }
            }

            segmentStart = next;
        }

        input = input.Slice(input.End);
        return SseItemKind.None;
    }
}

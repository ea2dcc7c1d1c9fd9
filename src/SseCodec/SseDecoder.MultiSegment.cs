using System.Buffers;
using System.Diagnostics;
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
        // Several segments are always linked one to the next (a pipe's buffer): walk them from the start segment and
        // put the rest back together from the segment and index where parsing stopped, at the same cost wherever that is.
        bool linked = SequenceMarshal.TryGetReadOnlySequenceSegment(input, out ReadOnlySequenceSegment<byte>? segment, out int index, out ReadOnlySequenceSegment<byte>? endSegment, out int endIndex);
        Debug.Assert(linked, "A multi-segment sequence is made of linked segments.");
        while (true)
        {
            bool isLast = ReferenceEquals(segment, endSegment);
            ReadOnlyMemory<byte> memory = segment!.Memory;
            memory = memory.Slice(index, (isLast ? endIndex : memory.Length) - index);
            if (!memory.IsEmpty)
            {
                SseItemKind kind = ParseChunk(memory.Span, isStable: true, out int consumed);
                if (kind != SseItemKind.None)
                {
                    Publish(kind, memory);
                    input = new ReadOnlySequence<byte>(segment, index + consumed, endSegment!, endIndex);
                    return kind;
                }
            }

            if (isLast)
            {
                input = new ReadOnlySequence<byte>(segment, endIndex, segment, endIndex);
                return SseItemKind.None;
            }

            segment = segment.Next;
            index = 0;
        }
    }
}

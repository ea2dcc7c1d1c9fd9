using System.Buffers;

namespace SseCodec;

// Input as a ReadOnlySequence<byte>: a single segment is parsed directly; several segments one after another,
// each as a chunk of its own, so a line or a CRLF split across segments costs nothing extra.
public sealed partial class SseDecoder
{
    private SseItemKind ParseSequence(ref ReadOnlySequence<byte> input)
    {
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

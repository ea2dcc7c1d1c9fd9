using System.Buffers;

namespace SseCodec.Reference.Oracles;

/// <summary>
/// The encoder round trip over any input: the transcript the parser read is written back with <see cref="SseEncoder"/>
/// (events with their type and id, comments, <c>retry</c>, a final id-only block) and parsing that output gives the
/// same transcript, whole and segmented; encoding it again gives the same bytes (the encoder's form is canonical).
/// </summary>
public static class RoundTripOracle
{
    public static string? Check(SseTranscript model, int seed)
    {
        byte[] encoded = Encode(model);
        SseTranscript whole = Harness.RunSpans([encoded]);
        if (!whole.Equals(model))
        {
            return $"parse(encode(transcript)) differs from the transcript\nencoded:  {InputText.Describe(encoded)}\n" +
                   $"expected: {InputText.Describe(model)}\nactual:   {InputText.Describe(whole)}";
        }

        Segmentation segmentation = Segmenter.Random(encoded, seed, maxSize: 7);
        SseTranscript segmented = Harness.RunSequence(segmentation.Segments);
        if (!segmented.Equals(model))
        {
            return $"parse(encode(transcript)) over {segmentation.Name} differs from the transcript\nencoded:  {InputText.Describe(encoded)}\n" +
                   $"expected: {InputText.Describe(model)}\nactual:   {InputText.Describe(segmented)}";
        }

        byte[] again = Encode(whole);
        return again.AsSpan().SequenceEqual(encoded)
            ? null
            : $"encode(parse(encode(t))) != encode(t)\nfirst:  {InputText.Describe(encoded)}\nsecond: {InputText.Describe(again)}";
    }

    /// <summary>Writes a transcript back as an event stream with the encoder.</summary>
    public static byte[] Encode(SseTranscript transcript)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        var buffer = new ArrayBufferWriter<byte>();
        string lastEventId = "";
        foreach (SseRecord record in transcript.Records)
        {
            switch (record)
            {
                case SseRecord.Event e:
                    SseEncoder.WriteEvent(buffer, e.Data.AsSpan(), e.Type, e.LastEventId == lastEventId ? null : e.LastEventId);
                    lastEventId = e.LastEventId;
                    break;
                case SseRecord.Comment c:
                    SseEncoder.WriteComment(buffer, c.Text.AsSpan());
                    break;
                case SseRecord.Retry r:
                    SseEncoder.WriteRetry(buffer, TimeSpan.FromTicks(r.Milliseconds * TimeSpan.TicksPerMillisecond));
                    break;
                default:
                    throw new InvalidOperationException($"Unknown record {record}.");
            }
        }

        if (transcript.LastEventId != lastEventId)
        {
            SseEncoder.WriteId(buffer, transcript.LastEventId);
        }

        return buffer.WrittenSpan.ToArray();
    }
}

using System.Buffers;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using SseCodec.Reference;

namespace SseCodec.Tests.Encoder;

public class EncoderRoundTripProperties
{
    private static readonly Config Config = Config.QuickThrowOnFailure.WithMaxTest(300);

    private enum DataForm { String, Utf8, Sequence }

    private static byte[] Encode(EventSpec[] events, DataForm form)
    {
        var buffer = new ArrayBufferWriter<byte>();
        foreach (EventSpec e in events)
        {
            TimeSpan? retry = e.RetryMs is long ms ? TimeSpan.FromMilliseconds(ms) : null;
            switch (form)
            {
                case DataForm.String:
                    SseEncoder.WriteEvent(buffer, e.Data, e.Type, e.Id, retry);
                    break;
                case DataForm.Utf8:
                    SseEncoder.WriteEvent(buffer, Encoding.UTF8.GetBytes(e.Data), e.Type, e.Id, retry);
                    break;
                default:
                    byte[] bytes = Encoding.UTF8.GetBytes(e.Data);
                    SseEncoder.WriteEvent(buffer, Segmenter.ToSequence(Segmenter.FixedSize(bytes, Math.Max(1, bytes.Length / 3))), e.Type, e.Id, retry);
                    break;
            }
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The encoded bytes parsed whole, split at every offset (sampled for long inputs), a byte at a time, and as a sequence.</summary>
    private static bool ParsesBackUnderEverySegmentation(byte[] bytes, List<Decoded.Item> expected)
    {
        if (!Decoded.Parse(bytes).SequenceEqual(expected) || !Decoded.Parse(bytes, 1).SequenceEqual(expected))
        {
            return false;
        }

        int step = Math.Max(1, bytes.Length / 200);
        for (int split = 0; split <= bytes.Length; split += step)
        {
            if (!Decoded.ParseSplit(bytes, split).SequenceEqual(expected))
            {
                return false;
            }
        }

        foreach (int segment in new[] { 1, 2, 3, 7, 64 })
        {
            if (!Decoded.ParseSequence(bytes, segment).SequenceEqual(expected))
            {
                return false;
            }
        }

        return true;
    }

    [Fact]
    public void String_data_round_trips_under_every_segmentation() =>
        Check.One(Config, Prop.ForAll(EventSpecs.Events(EventSpecs.Event()), events =>
            ParsesBackUnderEverySegmentation(Encode(events, DataForm.String), EventSpecs.Expected(events))));

    [Fact]
    public void Utf8_data_round_trips_under_every_segmentation() =>
        Check.One(Config, Prop.ForAll(EventSpecs.Events(EventSpecs.Event()), events =>
            ParsesBackUnderEverySegmentation(Encode(events, DataForm.Utf8), EventSpecs.Expected(events))));

    [Fact]
    public void Sequence_data_round_trips_under_every_segmentation() =>
        Check.One(Config, Prop.ForAll(EventSpecs.Events(EventSpecs.Event()), events =>
            ParsesBackUnderEverySegmentation(Encode(events, DataForm.Sequence), EventSpecs.Expected(events))));

    [Fact]
    public void All_data_forms_write_the_same_bytes() =>
        Check.One(Config, Prop.ForAll(EventSpecs.Events(EventSpecs.Event()), events =>
        {
            byte[] fromString = Encode(events, DataForm.String);
            return fromString.AsSpan().SequenceEqual(Encode(events, DataForm.Utf8))
                && fromString.AsSpan().SequenceEqual(Encode(events, DataForm.Sequence));
        }));

    /// <summary>
    /// Text of many short lines, hundreds of chars long: string data after its first line is transcoded 256 chars at a
    /// time, so line breaks (a CRLF among them) and non-ASCII chars land on every side of those chunks' boundaries and of
    /// the vector blocks within them. The bytes the UTF-8 path writes from the same text are the oracle.
    /// </summary>
    [Fact]
    public void String_data_of_many_lines_is_written_as_its_utf8_is() =>
        Check.One(Config.WithMaxTest(500), Prop.ForAll(LineHeavyText.ToArbitrary(), text =>
        {
            var fromString = new ArrayBufferWriter<byte>();
            SseEncoder.WriteEvent(fromString, text.AsSpan());
            var fromUtf8 = new ArrayBufferWriter<byte>();
            SseEncoder.WriteEvent(fromUtf8, Encoding.UTF8.GetBytes(text));
            var comment = new ArrayBufferWriter<byte>();
            SseEncoder.WriteComment(comment, text);
            string expected = EventSpec.Normalize(text);
            byte[] bytes = fromString.WrittenSpan.ToArray();

            return bytes.AsSpan().SequenceEqual(fromUtf8.WrittenSpan)
                && Decoded.Parse(bytes).SequenceEqual([new Decoded.Event("message", expected, "")])
                && Decoded.Parse(comment.WrittenSpan.ToArray()).SequenceEqual(expected.Split('\n').Select(line => (Decoded.Item)new Decoded.Comment(line)));
        }));

    private static readonly Gen<string> LineHeavyText =
        Gen.Choose(0, 120).SelectMany(count => Gen.ArrayOf(
            Gen.Frequency(
                (6, Gen.Choose(1, 40).Select(n => new string((char)('a' + (n % 26)), n))),
                (3, Gen.Elements("\n", "\r", "\r\n", "\n\n", "\r\r")),
                (1, Gen.Elements("é", "\u20AC", "\U0001F600", "\uD800", "\u007F", "\u0080", "\u0100"))),
            count)).Select(string.Concat);

    [Fact]
    public void Comments_round_trip_line_by_line() =>
        Check.One(Config, Prop.ForAll(EventSpecs.Events(EventSpecs.Event()), events =>
        {
            string text = events[0].Data;
            var buffer = new ArrayBufferWriter<byte>();
            SseEncoder.WriteComment(buffer, text);
            var expected = EventSpec.Normalize(text).Split('\n').Select(line => (Decoded.Item)new Decoded.Comment(line)).ToList();
            byte[] bytes = buffer.WrittenSpan.ToArray();

            return Decoded.Parse(bytes).SequenceEqual(expected)
                && Decoded.Parse(bytes, 1).SequenceEqual(expected)
                && Decoded.ParseSequence(bytes, int.MaxValue).SequenceEqual(expected)
                && Decoded.ParseSequence(bytes, 1).SequenceEqual(expected)
                && Decoded.ParseSequence(bytes, 5).SequenceEqual(expected);
        }));
}

using System.Text;
using FsCheck;
using FsCheck.Fluent;
using SseCodec.Reference;

namespace SseCodec.Tests.Properties;

/// <summary>A generated event stream: an optional BOM, lines each with its ending, and an optional unterminated tail.</summary>
public sealed record GeneratedEvents(bool Bom, IReadOnlyList<byte[]> Lines, IReadOnlyList<string> Endings, byte[] Tail)
{
    public byte[] ToBytes()
    {
        var output = new List<byte>();
        if (Bom)
        {
            output.AddRange([0xEF, 0xBB, 0xBF]);
        }

        for (int i = 0; i < Lines.Count; i++)
        {
            output.AddRange(Lines[i]);
            output.AddRange(Encoding.ASCII.GetBytes(Endings[i]));
        }

        output.AddRange(Tail);
        return [.. output];
    }

    /// <summary>The same lines, every one ended in <paramref name="ending"/> ("mixed": LF, CRLF, CR in turn, never CR then LF).</summary>
    public GeneratedEvents WithEndings(string ending)
    {
        var endings = new List<string>(Lines.Count);
        for (int i = 0; i < Lines.Count; i++)
        {
            string next = ending != "mixed" ? ending : (i % 3) switch { 0 => "\n", 1 => "\r\n", _ => "\r" };
            if (next == "\n" && i > 0 && endings[i - 1] == "\r")
            {
                next = "\r\n";
            }

            endings.Add(next);
        }

        return this with { Endings = endings };
    }

    public override string ToString() => SseRecord.Escape(Encoding.Latin1.GetString(ToBytes())) + $" ({ToBytes().Length} bytes)";
}

/// <summary>FsCheck generators of event streams and raw bytes.</summary>
public static class StreamGenerators
{
    private static readonly string[] Names = ["data", "data", "data", "event", "id", "retry", "Data", "foo", "", "dat", "data ", " data", "\uFEFFdata"];
    private static readonly string[] Separators = [": ", ": ", ":", ":  ", "", "::"];
    private static readonly string[] TextPieces = ["a", "b", "xyz", " ", ":", "\0", "\u00e9", "\u20ac", "\U0001D11E", "\uFEFF", "0", "7", "-", "data", "\t"];
    private static readonly byte[][] RawPieces = [[0xFF], [0xC3], [0xE2, 0x82], [0xEF, 0xBB], [0x80], [0xED, 0xA0, 0x80]];

    private static Gen<byte[]> ValuePiece(bool raw) =>
        raw
            ? Gen.Frequency((6, Gen.Elements(TextPieces).Select(Encoding.UTF8.GetBytes)), (1, Gen.Elements(RawPieces)))
            : Gen.Elements(TextPieces).Select(Encoding.UTF8.GetBytes);

    private static Gen<byte[]> Value(bool raw) =>
        Gen.Sized(size => Gen.Choose(0, Math.Min(6, 1 + (size / 10))))
            .SelectMany(count => Gen.ArrayOf(ValuePiece(raw), count))
            .Select(pieces => pieces.SelectMany(p => p).ToArray());

    private static readonly Gen<byte[]> Digits =
        Gen.OneOf(
            Gen.Choose(0, 100000).Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            Gen.Elements("0", "007", "922337203685477", "922337203685478", "99999999999999999999", "1a", "-1", " 5", ""))
        .Select(Encoding.ASCII.GetBytes);

    /// <summary>One line's content (no CR or LF in it), <paramref name="raw"/>: with invalid UTF-8 pieces.</summary>
    public static Gen<byte[]> Line(bool raw) =>
        Gen.Frequency(
            (8, from name in Gen.Elements(Names)
                from separator in Gen.Elements(Separators)
                from value in Value(raw)
                select Concat(Encoding.UTF8.GetBytes(name + separator), value)),
            (2, from separator in Gen.Elements(": ", ":") from value in Digits select Concat(Encoding.ASCII.GetBytes("retry" + separator), value)),
            (2, from value in Value(raw) select Concat([(byte)':'], value)),
            (5, Gen.Constant(Array.Empty<byte>())));

    /// <summary>Structured streams: lines with known and unknown fields, comments, blank lines, BOMs, mixed line endings.</summary>
    public static Gen<GeneratedEvents> Stream(bool raw = true) =>
        from bom in Gen.Frequency((1, Gen.Constant(true)), (3, Gen.Constant(false)))
        from lines in Gen.ListOf(Line(raw))
        from endings in Gen.ArrayOf(Gen.Elements("\n", "\n", "\r\n", "\r"), lines.Count)
        from hasTail in Gen.Elements(false, false, true)
        from tail in Line(raw)
        select new GeneratedEvents(bom, lines.ToArray(), endings, hasTail ? tail : []);

    /// <summary>Shrinks a stream by dropping its BOM, its tail, or one line at a time.</summary>
    public static IEnumerable<GeneratedEvents> Shrink(GeneratedEvents stream)
    {
        if (stream.Bom)
        {
            yield return stream with { Bom = false };
        }

        if (stream.Tail.Length > 0)
        {
            yield return stream with { Tail = [] };
        }

        for (int i = 0; i < stream.Lines.Count; i++)
        {
            yield return stream with
            {
                Lines = stream.Lines.Where((_, j) => j != i).ToArray(),
                Endings = stream.Endings.Where((_, j) => j != i).ToArray(),
            };
        }

        for (int i = 0; i < stream.Lines.Count; i++)
        {
            if (stream.Lines[i].Length > 0)
            {
                byte[][] lines = stream.Lines.ToArray();
                lines[i] = lines[i][..^1];
                yield return stream with { Lines = lines };
            }
        }
    }

    public static Arbitrary<GeneratedEvents> StreamArb(bool raw = true) => Arb.From(Stream(raw), Shrink);

    /// <summary>Raw bytes biased towards the bytes that matter to the grammar.</summary>
    public static Gen<byte[]> RawBytes =>
        Gen.ArrayOf(Gen.Frequency(
            (8, Gen.Elements("data:event:id:retry: \n\r\n\r:\0"u8.ToArray())),
            (2, Gen.Elements<byte>(0xEF, 0xBB, 0xBF, 0xFF, 0xC3, 0x80, 0xE2)),
            (2, Gen.Choose(0, 255).Select(b => (byte)b))));

    public static Arbitrary<byte[]> RawBytesArb => Arb.From(RawBytes, ShrinkBytes);

    /// <summary>Shrinks bytes by removing halves, then single bytes.</summary>
    public static IEnumerable<byte[]> ShrinkBytes(byte[] bytes)
    {
        if (bytes.Length > 1)
        {
            yield return bytes[..(bytes.Length / 2)];
            yield return bytes[(bytes.Length / 2)..];
        }

        for (int i = 0; i < bytes.Length; i++)
        {
            yield return [.. bytes[..i], .. bytes[(i + 1)..]];
        }
    }

    private static byte[] Concat(byte[] a, byte[] b) => [.. a, .. b];
}

using System.Text;

namespace SseCodec.Fuzz;

/// <summary>
/// Structure-aware generation: streams built line by line from field lines with known and unknown names, comments and
/// blank lines, with BOMs at and after the start, LF/CRLF/CR mixed (a CR often last), U+0000, invalid and truncated
/// UTF-8, very long lines, digits and non-digits in <c>retry</c>, and ids with NUL.
/// </summary>
internal static class StructuredGenerator
{
    private static readonly byte[] Bom = [0xEF, 0xBB, 0xBF];

    private static readonly string[] KnownNames = ["data", "data", "data", "event", "id", "retry"];

    private static readonly string[] UnknownNames =
        ["Data", "DATA", "dat", "datas", "data ", " data", "Event", "ID", "Retry", "foo", "x-data", "\uFEFFdata", "d\0ata", "retry2", "idd", "é"];

    private static readonly string[] Separators = [": ", ": ", ":", ":  ", "", ":\t", "::", ": :"];

    private static readonly string[] TextTokens =
        ["a", "hello", "x", " ", "  ", ":", "\0", "é", "€", "\U0001F600", "\uFEFF", "\u2028", "data: x", "event", "id", "retry: 1", "\t", "0", "42", "message"];

    private static readonly string[] RetryValues =
        ["0", "1", "5", "0005", "1000", "2147483647", "2147483648", "922337203685477", "922337203685478", "9223372036854775807",
         "9223372036854775808", "99999999999999999999999999", "0000000000000000000000001", "", " 5", "5 ", "-1", "+5", "5.0", "1a",
         "\u0663", "1e3", "0x10", "\05", "4294967296"];

    /// <summary>Invalid or truncated UTF-8 and other awkward byte runs.</summary>
    private static readonly byte[][] BadBytes =
    [
        [0xFF], [0xFE], [0x80], [0xC0, 0x80], [0xC3], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xF0, 0x9F, 0x98], [0xF4, 0x90, 0x80, 0x80],
        [0xF5], [0xEF, 0xBB], [0xEF], [0xEF, 0xBB, 0xBE], [0xC3, 0xA9], [0x00], [0xE2, 0x80, 0xA8],
    ];

    public static byte[] Generate(Random random)
    {
        var output = new List<byte>();
        switch (random.Next(12))
        {
            case 0 or 1:
                output.AddRange(Bom);
                break;
            case 2:
                output.AddRange(Bom);
                output.AddRange(Bom);
                break;
            case 3:
                output.AddRange(Bom.AsSpan(0, random.Next(1, 3)).ToArray());
                break;
        }

        int lines = random.Next(8) == 0 ? random.Next(20, 80) : random.Next(1, 16);
        for (int i = 0; i < lines; i++)
        {
            AddLine(random, output);
            AddLineEnd(random, output);
        }

        switch (random.Next(6))
        {
            case 0:
                AddLine(random, output); // an unterminated final line
                break;
            case 1:
                output.Add((byte)'\r'); // a CR at the very end
                break;
            case 2:
                output.Add((byte)'\n');
                break;
        }

        return [.. output];
    }

    private static void AddLine(Random random, List<byte> output)
    {
        int kind = random.Next(100);
        if (kind < 12)
        {
            return; // a blank line
        }

        if (kind < 20)
        {
            output.Add((byte)':');
            AddValue(random, output);
            return;
        }

        if (kind < 23)
        {
            output.AddRange(Bom); // a BOM after the start: part of the line
        }

        if (kind < 28)
        {
            Append(output, UnknownNames[random.Next(UnknownNames.Length)]);
        }
        else if (kind < 30)
        {
            AddValue(random, output); // anything as a field name
        }
        else
        {
            Append(output, KnownNames[random.Next(KnownNames.Length)]);
        }

        string separator = Separators[random.Next(Separators.Length)];
        Append(output, separator);
        if (separator.Length == 0 && random.Next(2) == 0)
        {
            return;
        }

        ReadOnlySpan<byte> line = [.. output];
        if (line.EndsWith("retry: "u8) || line.EndsWith("retry:"u8))
        {
            Append(output, RetryValues[random.Next(RetryValues.Length)]);
            return;
        }

        if (random.Next(30) == 0)
        {
            // A very long value.
            int length = random.Next(4) == 0 ? random.Next(4096, 70000) : random.Next(200, 4096);
            byte fill = (byte)"axé€\0 :"[random.Next(7)];
            for (int i = 0; i < length; i++)
            {
                output.Add(fill < 0x80 ? fill : (byte)'b');
            }

            return;
        }

        AddValue(random, output);
    }

    private static void AddValue(Random random, List<byte> output)
    {
        int tokens = random.Next(5);
        for (int i = 0; i < tokens; i++)
        {
            if (random.Next(6) == 0)
            {
                output.AddRange(BadBytes[random.Next(BadBytes.Length)]);
            }
            else
            {
                Append(output, TextTokens[random.Next(TextTokens.Length)]);
            }
        }
    }

    private static void AddLineEnd(Random random, List<byte> output)
    {
        switch (random.Next(10))
        {
            case < 5:
                output.Add((byte)'\n');
                break;
            case < 8:
                output.Add((byte)'\r');
                output.Add((byte)'\n');
                break;
            default:
                output.Add((byte)'\r');
                break;
        }
    }

    private static void Append(List<byte> output, string text) => output.AddRange(Encoding.UTF8.GetBytes(text));
}

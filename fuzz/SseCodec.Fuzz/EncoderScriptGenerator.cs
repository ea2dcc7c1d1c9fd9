using SseCodec.Reference;
using SseCodec.Reference.Oracles;

namespace SseCodec.Fuzz;

/// <summary>
/// Random encoder scripts: events whose data, type and id mix awkward characters (CR, LF, CRLF, U+0000, astral
/// characters, lone surrogates, BOMs, field-like text), through every data overload (a sequence cut anywhere, between a
/// CR and its LF too), comments, retries, id-only blocks, heartbeats, and now and then a call the encoder must reject.
/// </summary>
internal static class EncoderScriptGenerator
{
    private static readonly string[] DataTokens =
    [
        "a", "hello", " ", ":", "data: x", "\r", "\n", "\r\n", "\n\n", "\r\r", "\0", "é", "€", "\U0001F600", "\uD800", "\uDC00",
        "\uFEFF", "\u2028", "event: e", "id", "retry: 1", "\t",
    ];

    private static readonly string[] NameTokens = ["a", "message", " ", ":", "é", "\U0001F600", "\0", "x y", "data", "\uFEFF", "\uD800"];

    public static List<EncoderOp> Generate(Random random)
    {
        int count = random.Next(1, 7);
        var script = new List<EncoderOp>(count);
        for (int i = 0; i < count; i++)
        {
            script.Add(random.Next(10) switch
            {
                < 6 => Event(random),
                6 => new EncoderOp.Comment(Text(random, DataTokens, 6), random.Next(2) == 0),
                7 => new EncoderOp.Retry(Retry(random)),
                8 => new EncoderOp.IdOnly(Name(random, allowBad: random.Next(10) == 0) ?? ""),
                _ => new EncoderOp.Heartbeat(),
            });
        }

        return script;
    }

    private static EncoderOp.Event Event(Random random)
    {
        string data = random.Next(40) == 0
            ? new string('L', random.Next(1000, 70000)) + "\r\n" + new string('M', random.Next(1, 500))
            : Text(random, DataTokens, 12);
        var form = (DataForm)random.Next(3);
        int utf8Length = System.Text.Encoding.UTF8.GetByteCount(data);
        int[] splits = form == DataForm.Sequence
            ? Enumerable.Range(0, random.Next(0, 4)).Select(_ => random.Next(utf8Length + 1)).Order().ToArray()
            : [];
        return new EncoderOp.Event(
            data,
            Name(random, allowBad: random.Next(20) == 0, keepNul: true),
            Name(random, allowBad: random.Next(20) == 0),
            random.Next(4) == 0 ? Retry(random) : null,
            form,
            splits);
    }

    private static long Retry(Random random) => random.Next(4) switch
    {
        0 => 0,
        1 => random.NextInt64(SpecModel.MaxRetryMilliseconds + 1),
        2 => SpecModel.MaxRetryMilliseconds,
        _ => random.Next(100000),
    };

    private static string? Name(Random random, bool allowBad, bool keepNul = false)
    {
        switch (random.Next(6))
        {
            case 0:
                return null;
            case 1:
                return "";
            default:
                string name = Text(random, NameTokens, 4);
                return allowBad ? name + (random.Next(3) switch { 0 => "\r", 1 => "\n", _ => "\0" }) + name : keepNul ? name : name.Replace("\0", "", StringComparison.Ordinal);
        }
    }

    private static string Text(Random random, string[] tokens, int max) =>
        string.Concat(Enumerable.Range(0, random.Next(max + 1)).Select(_ => tokens[random.Next(tokens.Length)]));
}

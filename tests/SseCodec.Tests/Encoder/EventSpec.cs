using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;

namespace SseCodec.Tests.Encoder;

/// <summary>An event to encode, its data kept as tokens so that a failing case shrinks token by token.</summary>
public sealed record EventSpec(string[] Tokens, string? Type, string? Id, long? RetryMs)
{
    public string Data => string.Concat(Tokens);

    /// <summary>What a client sees as the data: lone surrogates as U+FFFD, line endings as LF.</summary>
    public string ExpectedData => Normalize(Data);

    public string ExpectedType => string.IsNullOrEmpty(Type) ? "message" : Normalize(Type);

    public static string Normalize(string text) =>
        Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(text)).Replace("\r\n", "\n").Replace('\r', '\n');

    public override string ToString() => JsonSerializer.Serialize(new { Data, Type, Id, RetryMs });
}

public static class EventSpecs
{
    private static readonly string[] DataTokens =
    [
        "a", "hello", " ", ":", "data: x", "\r", "\n", "\r\n", "\n\n", "\r\r", "\0", "é", "€", "\U0001F600", "\U00010348",
        "\uFEFF", "\u2028", "\uD800", "\uDC00", "event: e", "id", "retry: 1",
    ];

    private static readonly string[] NameTokens = ["a", "message", " ", ":", "é", "\U0001F600", "\0", "x y", "data", "\uFEFF"];

    private static Gen<string[]> Tokens(string[] pool, int max) =>
        Gen.Frequency(
            (10, Gen.Choose(0, max).SelectMany(n => Gen.ArrayOf(Gen.Elements(pool), n))),
            (1, Gen.Choose(1000, 5000).Select(n => new[] { new string('L', n), "\n", new string('M', n / 2) })));

    private static Gen<string?> Name(bool allowNul) =>
        Gen.Frequency(
            (2, Gen.Constant<string?>(null)),
            (1, Gen.Constant<string?>("")),
            (4, Gen.Choose(1, 4).SelectMany(n => Gen.ArrayOf(Gen.Elements(allowNul ? NameTokens : NameTokens.Where(t => t != "\0").ToArray()), n))
                .Select(t => (string?)string.Concat(t))));

    public static Gen<EventSpec> Event(bool allowNulInType = true, bool loneSurrogates = true) =>
        from tokens in Tokens(loneSurrogates ? DataTokens : DataTokens.Where(t => !char.IsSurrogate(t[0]) || t.Length == 2).ToArray(), 12)
        from type in Name(allowNulInType)
        from id in Name(allowNul: false)
        from retry in Gen.Frequency((3, Gen.Constant<long?>(null)), (1, Gen.Choose(0, int.MaxValue).Select(r => (long?)r)))
        select new EventSpec(tokens, type, id, retry);

    public static Arbitrary<EventSpec[]> Events(Gen<EventSpec> one) =>
        Arb.From(Gen.Choose(1, 4).SelectMany(n => Gen.ArrayOf(one, n)), Shrink);

    private static IEnumerable<EventSpec[]> Shrink(EventSpec[] events)
    {
        for (int i = 0; i < events.Length && events.Length > 1; i++)
        {
            yield return events.Where((_, j) => j != i).ToArray();
        }

        for (int i = 0; i < events.Length; i++)
        {
            foreach (EventSpec smaller in ShrinkOne(events[i]))
            {
                EventSpec[] copy = (EventSpec[])events.Clone();
                copy[i] = smaller;
                yield return copy;
            }
        }
    }

    private static IEnumerable<EventSpec> ShrinkOne(EventSpec e)
    {
        if (e.Tokens.Length > 1)
        {
            yield return e with { Tokens = e.Tokens[..(e.Tokens.Length / 2)] };
            yield return e with { Tokens = e.Tokens[(e.Tokens.Length / 2)..] };
        }

        for (int i = 0; i < e.Tokens.Length && i < 16; i++)
        {
            yield return e with { Tokens = e.Tokens.Where((_, j) => j != i).ToArray() };
        }

        if (e.Type is not null)
        {
            yield return e with { Type = null };
        }

        if (e.Id is not null)
        {
            yield return e with { Id = null };
        }

        if (e.RetryMs is not null)
        {
            yield return e with { RetryMs = null };
        }
    }

    /// <summary>The items our parser should give for <paramref name="events"/>, retry lines included.</summary>
    public static List<Decoded.Item> Expected(IEnumerable<EventSpec> events)
    {
        var items = new List<Decoded.Item>();
        string lastId = "";
        foreach (EventSpec e in events)
        {
            if (e.RetryMs is long retry)
            {
                items.Add(new Decoded.Retry(retry));
            }

            lastId = e.Id ?? lastId;
            items.Add(new Decoded.Event(e.ExpectedType, e.ExpectedData, lastId));
        }

        return items;
    }
}

using System.Text;

namespace SseCodec.Tests.Regressions;

/// <summary>Minimal repros of parser bugs found by the conformance suite, kept so they stay fixed.</summary>
public class ParserRegressionTests
{
    /// <summary>SetComment asked the buffer to keep bytes it did not have: ReadItem over a span threw on ": x".</summary>
    [Fact]
    public void ReadItem_over_a_span_returns_a_comment_with_text()
    {
        using var decoder = new SseDecoder();
        SseItemKind kind = decoder.ReadItem(": x\n"u8, out int consumed);
        Assert.Equal(SseItemKind.Comment, kind);
        Assert.Equal(4, consumed);
        Assert.Equal("x", Encoding.UTF8.GetString(decoder.CurrentComment));
    }

    [Fact]
    public void ReadItem_over_a_span_returns_a_long_comment_after_a_partial_line()
    {
        using var decoder = new SseDecoder();
        Assert.Equal(SseItemKind.None, decoder.ReadItem("data: x"u8, out _));
        const string text = "abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789";
        Assert.Equal(SseItemKind.Comment, decoder.ReadItem(Encoding.UTF8.GetBytes("\n: " + text + "\n"), out _));
        Assert.Equal(text, Encoding.UTF8.GetString(decoder.CurrentComment));
    }
}

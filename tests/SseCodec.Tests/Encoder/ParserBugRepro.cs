namespace SseCodec.Tests.Encoder;

/// <summary>Parser bugs found while testing the encoder; the parser is not the encoder branch's to fix.</summary>
public class ParserBugRepro
{
    // SseDecoder.SetComment (SseDecoder.Lines.cs) copies a comment read from a caller's span into the line buffer with
    // EnsureCapacity(ref _lineBuffer, length, length, ...): it asks Grow to keep `length` bytes of a buffer that may be
    // shorter (empty at first), so Grow's buffer.AsSpan(0, keep) throws. `keep` should be 0. Any non-empty comment read
    // with ReadItem(ReadOnlySpan<byte>, out int) hits it, so `sse parse --comments` fails on the first comment.
    private const string SkipReason = "Parser bug (SseDecoder.SetComment keeps `length` bytes when growing an empty line buffer): un-skip once fixed on main.";

    [Fact(Skip = SkipReason)]
    public void Comment_read_from_a_span_by_a_fresh_decoder()
    {
        using var decoder = new SseDecoder();
        Assert.Equal(SseItemKind.Comment, decoder.ReadItem(": a\n"u8, out _));
        Assert.Equal("a"u8.ToArray(), decoder.CurrentComment.ToArray());
    }

    [Fact(Skip = SkipReason)]
    public void Comment_read_from_a_span_after_a_short_line()
    {
        using var decoder = new SseDecoder();
        Assert.Equal(SseItemKind.None, decoder.ReadItem("data: x"u8, out int consumed));
        Assert.Equal(SseItemKind.Comment, decoder.ReadItem("\n: abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789\n"u8, out _));
    }
}

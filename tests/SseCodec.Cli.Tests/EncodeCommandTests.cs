using System.Text;
using SseCodec.Cli;

namespace SseCodec.Cli.Tests;

public class EncodeCommandTests
{
    private static async Task<(int Exit, string Stdout, string Stderr)> Run(string input, params string[] args)
    {
        var stdout = new MemoryStream();
        var stderr = new StringWriter();
        int exit = await SseCommand.RunAsync(args, new MemoryStream(Encoding.UTF8.GetBytes(input)), stdout, stderr, CancellationToken.None);
        return (exit, Encoding.UTF8.GetString(stdout.ToArray()), stderr.ToString());
    }

    [Fact]
    public async Task Encodes_every_kind_of_line()
    {
        var (exit, stdout, stderr) = await Run("""
            {"type":"add","data":"a\r\nb","id":"1","retry":500}
            {"data":""}
            {"id":"2"}
            {"retry":100}
            {"comment":"hi\nthere"}

            """, "encode");
        Assert.Equal("", stderr);
        Assert.Equal(0, exit);
        Assert.Equal("event: add\nid: 1\nretry: 500\ndata: a\ndata: b\n\ndata: \n\nid: 2\n\nretry: 100\n: hi\n: there\n", stdout);
    }

    [Fact]
    public async Task Parse_after_encode_gives_back_the_input()
    {
        // Written as sse parse writes JSON: astral characters escaped, other text raw.
        string lines = """
            {"type":"message","data":"first","id":""}
            {"retry":2500}
            {"type":"add","data":"line 1\nline 2\n","id":"7"}
            {"type":"message","data":"same id persists","id":"7"}
            {"type":"é\u0000x","data":" leading space, \u0000 nul, \uD83D\uDE00 astral","id":"8"}
            {"type":"message","data":"","id":""}
            {"type":"message","data":"\n\n","id":"\uD83D\uDE42"}

            """.Replace("\r\n", "\n");
        var (encodeExit, encoded, _) = await Run(lines, "encode");
        Assert.Equal(0, encodeExit);
        var (parseExit, parsed, _) = await Run(encoded, "parse");
        Assert.Equal(0, parseExit);
        Assert.Equal(lines, parsed);
    }

    [Fact]
    public async Task Parse_with_comments_after_encode_gives_back_the_input()
    {
        string lines = """
            {"comment":"keep-alive"}
            {"type":"message","data":"x","id":""}
            {"comment":""}
            {"comment":" two spaces kept as one"}

            """.Replace("\r\n", "\n");
        var (_, encoded, _) = await Run(lines, "encode");
        var (parseExit, parsed, _) = await Run(encoded, "parse", "--comments");
        Assert.Equal(0, parseExit);
        Assert.Equal(lines, parsed);
    }

    [Fact]
    public async Task Encode_after_parse_after_encode_is_stable()
    {
        const string stream = "data: a\r\ndata: b\r\rid: 3\nevent: x\ndata\n\nretry: 10\nid\n\n";
        var (_, parsed, _) = await Run(stream, "parse");
        var (_, encoded, _) = await Run(parsed, "encode");
        var (_, reparsed, _) = await Run(encoded, "parse");
        Assert.Equal(parsed, reparsed);
    }

    [Theory]
    [InlineData(900719925474L)]
    [InlineData(922337203685477L)]
    public async Task Large_retry_values_are_written_exactly(long milliseconds)
    {
        // Before .NET 9, TimeSpan.FromMilliseconds(long) binds to the double overload and rounds these.
        var (exit, stdout, _) = await Run($"{{\"retry\":{milliseconds}}}\n", "encode");
        Assert.Equal(0, exit);
        Assert.Equal($"retry: {milliseconds}\n", stdout);
    }

    [Theory]
    [InlineData("{\"retry\":922337203685478}")]
    [InlineData("{\"data\":\"x\",\"type\":\"a\\nb\"}")]
    [InlineData("{\"data\":\"x\",\"id\":\"a\\u0000b\"}")]
    [InlineData("{\"retry\":-1}")]
    [InlineData("{\"bogus\":1}")]
    [InlineData("not json")]
    public async Task Bad_lines_are_data_errors_and_nothing_of_them_is_written(string line)
    {
        var (exit, stdout, stderr) = await Run("{\"data\":\"ok\"}\n" + line + "\n{\"data\":\"never\"}\n", "encode");
        Assert.Equal(SseCommand.ExitDataError, exit);
        Assert.Equal("data: ok\n\n", stdout);
        Assert.StartsWith("sse: line 2:", stderr);
    }
}

using System.Text;
using SseCodec.Cli;

namespace SseCodec.Cli.Tests;

public class ParseCommandTests
{
    private static async Task<(int Exit, string Stdout, string Stderr)> Run(byte[] input, params string[] args)
    {
        var stdout = new MemoryStream();
        var stderr = new StringWriter();
        int exit = await SseCommand.RunAsync(args, new MemoryStream(input), stdout, stderr, CancellationToken.None);
        return (exit, Encoding.UTF8.GetString(stdout.ToArray()), stderr.ToString());
    }

    private static readonly byte[] Sample = Encoding.UTF8.GetBytes(
        "\uFEFFretry: 1500\r\n: hello\r\nevent: add\r\nid: 7\r\ndata: a\r\ndata: b\r\n\r\ndata: same id\n\nid\n\ndata: x");

    [Theory]
    [InlineData(null)]
    [InlineData("1")]
    [InlineData("2")]
    [InlineData("5")]
    public async Task Prints_events_and_retry_in_stream_order_whatever_the_segment_size(string? segmentSize)
    {
        string[] args = segmentSize is null ? ["parse"] : ["parse", "--segment-size", segmentSize];
        var (exit, stdout, stderr) = await Run(Sample, args);
        Assert.Equal(0, exit);
        Assert.Equal("", stderr);
        Assert.Equal(
            """
            {"retry":1500}
            {"type":"add","data":"a\nb","id":"7"}
            {"type":"message","data":"same id","id":"7"}

            """.Replace("\r\n", "\n"),
            stdout);
    }

    [Fact]
    public async Task Comments_are_printed_only_when_asked()
    {
        var (_, stdout, _) = await Run(Sample, "parse", "--comments");
        Assert.Contains("{\"comment\":\"hello\"}\n", stdout);
        Assert.StartsWith("{\"retry\":1500}\n{\"comment\":\"hello\"}\n", stdout);
    }

    [Fact]
    public async Task A_file_argument_is_read()
    {
        string path = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(path, Encoding.UTF8.GetBytes("data: from a file\n\n"));
            var (exit, stdout, _) = await Run([], "parse", path);
            Assert.Equal(0, exit);
            Assert.Equal("{\"type\":\"message\",\"data\":\"from a file\",\"id\":\"\"}\n", stdout);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_limit_error_prints_earlier_events_then_a_one_line_message_and_exits_non_zero()
    {
        byte[] input = Encoding.UTF8.GetBytes("data: ok\n\ndata: " + new string('x', 100) + "\n\ndata: never\n\n");
        var (exit, stdout, stderr) = await Run(input, "parse", "--max-line-length", "50", "--segment-size", "7");
        Assert.Equal(SseCommand.ExitDataError, exit);
        Assert.Equal("{\"type\":\"message\",\"data\":\"ok\",\"id\":\"\"}\n", stdout);
        Assert.Single(stderr.TrimEnd('\n').Split('\n'));
        Assert.Contains("MaxLineLength", stderr);
        Assert.Contains("byte offset 60", stderr);
    }

    [Theory]
    [InlineData("parse", "--segment-size", "0")]
    [InlineData("parse", "--segment-size")]
    [InlineData("parse", "--bogus")]
    [InlineData("parse", "a", "b")]
    [InlineData("frobnicate")]
    public async Task Usage_errors_exit_with_1(params string[] args)
    {
        var (exit, stdout, stderr) = await Run([], args);
        Assert.Equal(SseCommand.ExitUsage, exit);
        Assert.Equal("", stdout);
        Assert.StartsWith("sse: ", stderr);
    }

    [Fact]
    public async Task Invalid_utf8_is_printed_as_replacement_characters()
    {
        byte[] input = [.. "data: "u8, 0xFF, 0xC3, .. "\n\n"u8];
        var (exit, stdout, _) = await Run(input, "parse");
        Assert.Equal(0, exit);
        Assert.Equal("{\"type\":\"message\",\"data\":\"\uFFFD\uFFFD\",\"id\":\"\"}\n", stdout);
    }
}

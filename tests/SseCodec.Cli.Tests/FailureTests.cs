using System.IO.Pipelines;
using System.Text;
using SseCodec.Cli;

namespace SseCodec.Cli.Tests;

/// <summary>Every failure of <c>sse</c> ends in one line on stderr and a documented exit code, never an escaped exception.</summary>
public class FailureTests
{
    private static async Task<(int Exit, string Stderr)> Run(Stream stdin, Stream stdout, CancellationToken cancellationToken, params string[] args)
    {
        var stderr = new StringWriter();
        int exit = await SseCommand.RunAsync(args, stdin, stdout, stderr, cancellationToken);
        return (exit, stderr.ToString());
    }

    [Theory]
    [InlineData("parse")]
    [InlineData("encode")]
    public async Task A_directory_given_as_the_input_file_exits_1_naming_it(string command)
    {
        string directory = AppContext.BaseDirectory;
        var (exit, stderr) = await Run(Stream.Null, Stream.Null, default, command, directory);

        Assert.Equal(SseCommand.ExitUsage, exit);
        Assert.StartsWith($"sse: cannot read '{directory}': ", stderr);
        Assert.Single(stderr.TrimEnd().Split('\n'));
    }

    [Theory]
    [InlineData("parse")]
    [InlineData("encode")]
    public async Task A_missing_input_file_exits_1_naming_it_without_pointing_at_help(string command)
    {
        string missing = Path.Combine(AppContext.BaseDirectory, "no-such-file.txt");
        var (exit, stderr) = await Run(Stream.Null, Stream.Null, default, command, missing);

        Assert.Equal(SseCommand.ExitUsage, exit);
        Assert.Equal($"sse: cannot read '{missing}': Could not find file '{missing}'.", stderr.TrimEnd());
    }

    [Theory]
    [InlineData("parse", "data: x\n\n")]
    [InlineData("encode", "{\"data\":\"x\"}\n")]
    public async Task Output_that_cannot_be_written_exits_4_with_one_line_naming_the_cause(string command, string input)
    {
        var (exit, stderr) = await Run(new MemoryStream(Encoding.UTF8.GetBytes(input)), new BrokenStream(), default, command);

        Assert.Equal(SseCommand.ExitFailure, exit);
        Assert.Equal($"sse: failed: {BrokenStream.Message} (IOException)", stderr.TrimEnd());
    }

    [Theory]
    [InlineData("parse")]
    [InlineData("encode")]
    public async Task An_interrupted_read_exits_130(string command)
    {
        var input = new Pipe();
        using var stop = new CancellationTokenSource();
        Task<(int Exit, string Stderr)> run = Run(input.Reader.AsStream(), Stream.Null, stop.Token, command);
        Assert.False(run.IsCompleted, "the command waits for input that never comes");

        await stop.CancelAsync();

        var (exit, stderr) = await Eventually.Within(run, "the command to end");
        Assert.Equal(SseCommand.ExitCanceled, exit);
        Assert.Equal("", stderr);
    }

    /// <summary>An output whose every write fails, as a closed pipe or a full disk does.</summary>
    private sealed class BrokenStream : Stream
    {
        public const string Message = "the output is gone";

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new IOException(Message);

        public override void Write(ReadOnlySpan<byte> buffer) => throw new IOException(Message);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromException(new IOException(Message));

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromException(new IOException(Message));
    }
}

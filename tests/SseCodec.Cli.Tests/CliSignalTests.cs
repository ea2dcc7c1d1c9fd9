// The net10.0 suite only: the process this starts is the net10.0 build of the tool whatever runtime the suite runs
// on (Infrastructure/SpawnedProgram.cs), so the net9.0 and net8.0 suites would repeat the very same run.
#if NET10_0
using System.Diagnostics;
using System.Text.RegularExpressions;
using SseCodec.Cli.Tests.Infrastructure;
using SseCodec.Cli;

namespace SseCodec.Cli.Tests;

/// <summary>
/// The built <c>sse</c> tool as a separate process on 127.0.0.1, stopped by a real SIGTERM or SIGINT: it ends its
/// streams, stops and exits with the documented code. Every wait is for an output line, a stream's end or the
/// process's exit, each bounded by <see cref="Patience"/>.
/// </summary>
public sealed partial class CliSignalTests
{
    private static readonly TimeSpan Patience = Eventually.HangGuard;

    [GeneratedRegex(@"serving (http://127\.0\.0\.1:\d+)/events")]
    internal static partial Regex ServingLine();

    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    public async Task Serve_ends_open_streams_stops_and_exits_0_on_a_signal(string signal)
    {
        using var timeout = new CancellationTokenSource(Patience);
        await using var sse = SseProcess.Start("serve", "--urls", "http://127.0.0.1:0", "--interval", "20");
        string serving = await sse.Stderr.WaitForAsync(line => ServingLine().IsMatch(line), timeout.Token);
        var address = new Uri(ServingLine().Match(serving).Groups[1].Value);

        using var client = new HttpClient { BaseAddress = address };
        var (response, reader) = await Clients.OpenAsync(client, "/events", cancellationToken: timeout.Token);
        using (response)
        using (reader)
        {
            Assert.NotEmpty(await Clients.ReadAsync(reader, 2, timeout.Token));

            sse.Signal(signal);

            // The stream ends cleanly (the reader sees the end of the body, not an error), while the process still runs
            // or after it exited; then the process exits by itself.
            while (await reader.ReadAsync(timeout.Token))
            {
            }
        }

        Assert.Equal(SseCommand.ExitOk, await sse.WaitForExitAsync(timeout.Token));
        Assert.Contains("sse: stopped", sse.Stderr.Text);
        Assert.DoesNotContain("Unhandled", sse.Stderr.Text);
    }

    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    public async Task Serve_stdin_stops_on_a_signal_while_its_input_is_still_open(string signal)
    {
        // A read from a pipe or terminal ignores cancellation: before, `sse serve --stdin` kept waiting for a line.
        using var timeout = new CancellationTokenSource(Patience);
        await using var sse = SseProcess.Start("serve", "--urls", "http://127.0.0.1:0", "--stdin");
        string serving = await sse.Stderr.WaitForAsync(line => ServingLine().IsMatch(line), timeout.Token);
        using var client = new HttpClient { BaseAddress = new Uri(ServingLine().Match(serving).Groups[1].Value) };
        var (response, reader) = await Clients.OpenAsync(client, "/events", cancellationToken: timeout.Token);
        using (response)
        using (reader)
        {
            await sse.WriteLineAsync("one");
            Assert.Equal("one", (await Clients.ReadAsync(reader, 1, timeout.Token))[0].Data);

            sse.Signal(signal);
            while (await reader.ReadAsync(timeout.Token))
            {
            }
        }

        Assert.Equal(SseCommand.ExitOk, await sse.WaitForExitAsync(timeout.Token));
    }

    [Theory]
    [InlineData("parse", "data: a\n\n", "TERM", SseCommand.ExitTerminated)]
    [InlineData("parse", "data: a\n\n", "INT", SseCommand.ExitCanceled)]
    [InlineData("encode", "{\"data\":\"a\"}\n", "TERM", SseCommand.ExitTerminated)]
    [InlineData("encode", "{\"data\":\"a\"}\n", "INT", SseCommand.ExitCanceled)]
    public async Task Reading_stdin_stops_on_a_signal_while_the_input_is_still_open(string command, string input, string signal, int expectedExit)
    {
        using var timeout = new CancellationTokenSource(Patience);
        await using var sse = SseProcess.Start(command, "-");
        await sse.WriteAsync(input);
        await sse.Stdout.WaitForAsync(line => line.Length > 0, timeout.Token);

        sse.Signal(signal);

        Assert.Equal(expectedExit, await sse.WaitForExitAsync(timeout.Token));
        Assert.DoesNotContain("Unhandled", sse.Stderr.Text);
    }

    [Theory]
    [InlineData("TERM", SseCommand.ExitTerminated)]
    [InlineData("INT", SseCommand.ExitCanceled)]
    public async Task Demo_stops_mid_run_on_a_signal_and_exits_128_plus_the_signal(string signal, int expectedExit)
    {
        // 100 million events take minutes to stream; the signal comes as soon as the first event is printed.
        using var timeout = new CancellationTokenSource(Patience);
        await using var sse = SseProcess.Start("demo", "--events", "100000000");
        await sse.Stdout.WaitForAsync(line => line.Contains("#1 message id=1", StringComparison.Ordinal), timeout.Token);

        sse.Signal(signal);

        Assert.Equal(expectedExit, await sse.WaitForExitAsync(timeout.Token));
        Assert.DoesNotContain("received", sse.Stdout.Text);
        Assert.DoesNotContain("Unhandled", sse.Stderr.Text);
    }

    [Fact]
    public async Task A_failure_ends_the_process_with_one_line_and_exit_1_not_an_abort()
    {
        // Before, an unreadable path (a directory) escaped as an unhandled exception: a stack trace and exit 134.
        using var timeout = new CancellationTokenSource(Patience);
        await using var sse = SseProcess.Start("parse", AppContext.BaseDirectory);
        Assert.Equal(SseCommand.ExitUsage, await sse.WaitForExitAsync(timeout.Token));
        string stderr = sse.Stderr.Text.Trim();
        Assert.StartsWith($"sse: cannot read '{AppContext.BaseDirectory}': ", stderr);
        Assert.DoesNotContain('\n', stderr);
    }

    /// <summary>The net10.0 sse.dll run by the dotnet host (see <see cref="SpawnedProgram"/>), its output lines collected as they arrive.</summary>
    internal sealed class SseProcess : IAsyncDisposable
    {
        private readonly Process _process;

        private SseProcess(Process process)
        {
            _process = process;
        }

        public OutputLines Stdout { get; } = new();

        public OutputLines Stderr { get; } = new();

        public static SseProcess Start(params string[] args)
        {
            ProcessStartInfo info = SpawnedProgram.StartInfo(SpawnedProgram.Sse);
            info.RedirectStandardInput = true;

            // A signal ignored by whatever started the test run (a shell ignores SIGINT in a background job) stays
            // ignored in every child, and the runtime leaves an ignored signal alone: env(1) restores the defaults
            // before it becomes the tool (same process), so the tool handles the signals the test sends.
            info.ArgumentList.Insert(0, info.FileName);
            info.ArgumentList.Insert(0, "--default-signal=INT,TERM");
            info.FileName = "env";
            foreach (string arg in args)
            {
                info.ArgumentList.Add(arg);
            }

            var process = new Process { StartInfo = info };
            var sse = new SseProcess(process);
            process.OutputDataReceived += (_, e) => sse.Stdout.Add(e.Data);
            process.ErrorDataReceived += (_, e) => sse.Stderr.Add(e.Data);
            Assert.True(process.Start());
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return sse;
        }

        /// <summary>Writes to the process's standard input and flushes, leaving it open.</summary>
        public async Task WriteAsync(string text)
        {
            await _process.StandardInput.WriteAsync(text);
            await _process.StandardInput.FlushAsync();
        }

        public Task WriteLineAsync(string line) => WriteAsync(line + "\n");

        /// <summary>Sends a signal by name (TERM, INT) with kill(1), as a service manager or a terminal would.</summary>
        public void Signal(string name)
        {
            using Process kill = Process.Start("kill", ["-s", name, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
            kill.WaitForExit();
            Assert.Equal(0, kill.ExitCode);
        }

        public async Task<int> WaitForExitAsync(CancellationToken cancellationToken)
        {
            try
            {
                await _process.WaitForExitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"sse did not exit within {Patience.TotalSeconds} s. stdout: {Stdout.Text} stderr: {Stderr.Text}");
            }

            return _process.ExitCode;
        }

        public ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            _process.Dispose();
            return default;
        }
    }

    /// <summary>Lines of one output stream; a test waits for one that matches, with no polling.</summary>
    internal sealed class OutputLines
    {
        private readonly List<string> _lines = [];
        private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Found)> _waiters = [];
        private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Text
        {
            get
            {
                lock (_lines)
                {
                    return string.Join('\n', _lines);
                }
            }
        }

        public void Add(string? line)
        {
            lock (_lines)
            {
                if (line is null)
                {
                    _ended.TrySetResult();
                    foreach (var waiter in _waiters)
                    {
                        waiter.Found.TrySetException(new InvalidOperationException($"the output ended without the line: {string.Join('\n', _lines)}"));
                    }

                    return;
                }

                _lines.Add(line);
                _waiters.RemoveAll(w => w.Match(line) && w.Found.TrySetResult(line));
            }
        }

        public async Task<string> WaitForAsync(Func<string, bool> match, CancellationToken cancellationToken)
        {
            var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_lines)
            {
                if (_lines.Find(line => match(line)) is { } seen)
                {
                    return seen;
                }

                if (_ended.Task.IsCompleted)
                {
                    throw new InvalidOperationException($"the output ended without the line: {string.Join('\n', _lines)}");
                }

                _waiters.Add((match, found));
            }

            try
            {
                return await found.Task.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"no such line within {Patience.TotalSeconds} s: {Text}");
            }
        }
    }
}
#endif

using System.IO.Pipelines;
using System.Text;
using System.Text.RegularExpressions;
using SseCodec.Cli;
using SseCodec.Cli.Tests.Infrastructure;

namespace SseCodec.Cli.Tests;

/// <summary><c>sse serve</c> and <c>sse demo</c> run in-process, on 127.0.0.1.</summary>
public sealed partial class CliTests
{
    [GeneratedRegex(@"serving (http://127\.0\.0\.1:\d+)/events")]
    private static partial Regex ServingLine();

    private static async Task<(Task<int> Run, Uri Address, CancellationTokenSource Stop)> StartServeAsync(Stream stdin, params string[] args)
    {
        var stderr = new WatchedWriter();
        var stop = new CancellationTokenSource();
        Task<int> run = SseCommand.RunAsync(["serve", "--urls", "http://127.0.0.1:0", .. args], stdin, Stream.Null, stderr, stop.Token);

        // The "serving" line, or the command's end if it failed to start; the bound only guards against a hang.
        await Eventually.Within(Task.WhenAny(stderr.WaitForAsync("/events"), run), "the serving line or the end of the command");
        Assert.False(run.IsCompleted, stderr.ToString());
        Match match = ServingLine().Match(stderr.ToString());
        Assert.True(match.Success, stderr.ToString());
        return (run, new Uri(match.Groups[1].Value), stop);
    }

    [Fact]
    public async Task Serve_sends_retry_then_ticks_with_ids_and_resumes_from_Last_Event_ID()
    {
        var (run, address, stop) = await StartServeAsync(Stream.Null, "--interval", "50", "--retry", "700", "--heartbeat", "5");
        using (stop)
        using (var client = new HttpClient { BaseAddress = address })
        {
            var (r1, first) = await Clients.OpenAsync(client, "/events");
            List<Received> seen;
            using (r1)
            using (first)
            {
                Assert.Equal(SseItemKind.ReconnectionTime, await first.ReadItemAsync());
                Assert.Equal(TimeSpan.FromMilliseconds(700), first.ReconnectionTime);
                seen = await Clients.ReadAsync(first, 3);
            }

            long start = long.Parse(seen[0].Id);
            Assert.Equal([start, start + 1, start + 2], seen.Select(e => long.Parse(e.Id)));
            Assert.All(seen, e => Assert.Equal("message", e.Type));
            Assert.All(seen, e => Assert.True(DateTimeOffset.TryParse(e.Data, out _), e.Data));

            var (r2, resumed) = await Clients.OpenAsync(client, "/events", lastEventId: seen[^1].Id);
            using (r2)
            using (resumed)
            {
                List<Received> next = await Clients.ReadAsync(resumed, 5);
                Assert.Equal(Enumerable.Range(1, 5).Select(i => start + 2 + i), next.Select(e => long.Parse(e.Id)));
            }

            stop.Cancel();
            Assert.Equal(0, await Eventually.Within(run, "serve to stop"));
        }
    }

    [Fact]
    public async Task Serve_with_stdin_broadcasts_each_line_to_every_client()
    {
        var input = new Pipe();
        var (run, address, stop) = await StartServeAsync(input.Reader.AsStream(), "--stdin");
        using (stop)
        using (var client = new HttpClient { BaseAddress = address })
        {
            var (r1, a) = await Clients.OpenAsync(client, "/events");
            var (r2, b) = await Clients.OpenAsync(client, "/events");
            using (r1)
            using (r2)
            using (a)
            using (b)
            {
                // Each client's connection is registered with the hub before its response headers go out, so both
                // get every line written from here on.
                await input.Writer.WriteAsync(Encoding.UTF8.GetBytes("hello\nworld\n"));
                Assert.Equal([new Received("message", "hello", "1"), new Received("message", "world", "2")], await Clients.ReadAsync(a, 2));
                Assert.Equal([new Received("message", "hello", "1"), new Received("message", "world", "2")], await Clients.ReadAsync(b, 2));
            }

            stop.Cancel();
            await input.Writer.CompleteAsync();
            Assert.Equal(0, await Eventually.Within(run, "serve to stop"));
        }
    }

    [Fact]
    public async Task Demo_streams_through_server_and_client_and_reports_no_gap_and_the_rate()
    {
        var stdout = new MemoryStream();
        var stderr = new StringWriter();

        // A 1 ms warm-up is one pass: the first always runs, and takes longer than that.
        int exit = await SseCommand.RunAsync(["demo", "--events", "5000", "--warmup", "1"], Stream.Null, stdout, stderr, default);
        string output = Encoding.UTF8.GetString(stdout.ToArray());
        Assert.True(exit == 0, output + stderr);
        Assert.Matches(@"warm-up pass 1 \(the JIT compiling as it goes\): [\d,]+ events/s; ids 1\.\.5,000 with no gap and no duplicate", output);
        Assert.Matches(@"warm-up: 1 pass\(es\) in [\d.]+ s; then the measured pass, the same again:", output);
        Assert.Contains("reconnects with Last-Event-ID: 2500", output);
        Assert.Matches(@"received 5,000 events .* over 2 connection\(s\): [\d,]+ events/s; ids 1\.\.5,000 with no gap and no duplicate", output);
        Assert.Contains("the rate: events published by SseHub.Publish (one thread), written by the hub into Kestrel's response, sent over loopback TCP", output);
        Assert.Contains("the reconnect included, after the warm-up", output);
        Assert.Matches(@"CPU: server and client share \d+ core\(s\): the process used [\d.]+ s of CPU during the delivery", output);
        Assert.Matches(@"time: publishing [\d.]+ s \(all 5,000 Publish calls, while delivery runs\), delivery [\d.]+ s, reconnect pause [\d.]+ ms", output);
    }

    [Fact]
    public async Task Demo_without_warm_up_or_reconnect_says_so()
    {
        var stdout = new MemoryStream();
        var stderr = new StringWriter();
        int exit = await SseCommand.RunAsync(["demo", "--events", "2000", "--no-warmup", "--no-reconnect"], Stream.Null, stdout, stderr, default);
        string output = Encoding.UTF8.GetString(stdout.ToArray());
        Assert.True(exit == 0, output + stderr);
        Assert.DoesNotContain("warm-up:", output);
        Assert.DoesNotContain("reconnect", output);
        Assert.Matches(@"received 2,000 events .* over 1 connection\(s\)", output);
        Assert.Contains("without warm-up (the JIT compiling as it goes)", output);
    }

    [Fact]
    public void The_demo_check_counts_missing_repeated_and_unnumbered_events()
    {
        var check = new DemoSequenceCheck();
        foreach (string id in new[] { "1", "2", "4", "4", "3", "x", "", "5", "8" })
        {
            check.Observe(Encoding.UTF8.GetBytes(id));
        }

        // 3 skipped (then seen late: still out of order), 6 and 7 skipped; 4 repeated, 3 late, "x" and "" not numbers.
        Assert.Equal(8, check.LastId);
        Assert.Equal(3, check.Missing);
        Assert.Equal(4, check.Unexpected);
    }

    [Fact]
    public void A_demo_pass_with_a_gap_or_a_duplicate_is_not_complete()
    {
        var whole = new DemoPassResult(10, 10, 100, 10, 0, 0, 2, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(3), Stalled: false);
        Assert.True(whole.IsComplete);
        Assert.Equal(5, whole.EventsPerSecond);
        Assert.False((whole with { Missing = 1, Received = 9 }).IsComplete);
        Assert.False((whole with { Unexpected = 1, Received = 11 }).IsComplete);
        Assert.False((whole with { Stalled = true }).IsComplete);
    }

    [Fact]
    public async Task Serve_rejects_bad_options()
    {
        var stderr = new StringWriter();
        Assert.Equal(SseCommand.ExitUsage, await SseCommand.RunAsync(["serve", "--interval", "0"], Stream.Null, Stream.Null, stderr, default));
        Assert.Contains("--interval needs a positive whole number", stderr.ToString());
    }
}

using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;
using SseCodec.AspNetCore.Tests.Infrastructure;
using SseCodec.Server;

namespace SseCodec.AspNetCore.Tests;

/// <summary>
/// A real browser: headless Debian Chromium driven by Playwright loads a page whose EventSource receives typed events,
/// is dropped by the server, reconnects, and resumes through Last-Event-ID with no event lost or repeated.
/// </summary>
/// <remarks>The test fails (it does not skip) when /usr/bin/chromium is missing: .ci/run installs it.</remarks>
public sealed class BrowserTests
{
    private const string ChromiumPath = "/usr/bin/chromium";
    private const int EventCount = 80;

    private const string Page = """
        <!doctype html>
        <html><head><meta charset="utf-8"><title>sse</title></head>
        <body>
        <script>
          window.got = [];
          window.opens = 0;
          window.errors = 0;
          window.untyped = 0;
          const source = new EventSource('/events');
          source.onopen = () => { window.opens++; };
          source.onerror = () => { window.errors++; };
          source.onmessage = () => { window.untyped++; };
          source.addEventListener('tick', e => {
            const body = JSON.parse(e.data);
            if (String(body.n) !== e.lastEventId) { window.mismatch = e.lastEventId; }
            window.got.push(body.n);
          });
        </script>
        </body></html>
        """;

    [Fact]
    public async Task EventSource_in_Chromium_resumes_through_Last_Event_ID_with_no_event_lost_or_repeated()
    {
        Assert.True(File.Exists(ChromiumPath), $"{ChromiumPath} is missing: install the Debian package 'chromium' (.ci/run does).");

        // Heartbeats on a clock the test moves: one is sent, at a known point, between events of the second connection.
        var clock = new FakeTimeProvider();
        await using var hub = new SseHub(new SseHubOptions { History = new SseMemoryEventHistory(1000) });
        var options = new SseStreamOptions { ReconnectionTime = TimeSpan.FromMilliseconds(200), HeartbeatInterval = TimeSpan.FromSeconds(1), TimeProvider = clock };
        var connects = new ConcurrentQueue<(string? LastEventId, long PublishedAtConnect)>();
        int requests = 0;
        using var dropFirst = new CancellationTokenSource();
        var firstStreamEnded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var abortFirst = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        await using var host = await LoopbackKestrel.StartAsync(app =>
        {
            app.MapGet("/", (RequestDelegate)(c =>
            {
                c.Response.ContentType = "text/html; charset=utf-8";
                return c.Response.WriteAsync(Page);
            }));
            app.MapGet("/events", (RequestDelegate)(async c =>
            {
                connects.Enqueue((c.Request.GetLastEventId(), hub.LastSequence));
                if (Interlocked.Increment(ref requests) == 1)
                {
                    // The first connection is dropped by the server mid-stream, when the test says; the connection
                    // stays open until the test has published what the browser is to miss.
                    using var drop = CancellationTokenSource.CreateLinkedTokenSource(c.RequestAborted, dropFirst.Token);
                    c.Response.PrepareEventStream();
                    await hub.StreamAsync(c.Response.BodyWriter, c.Request.GetLastEventId(), null, options, drop.Token);
                    firstStreamEnded.TrySetResult();
                    await abortFirst.Task;
                    c.Abort();
                    return;
                }

                await c.Response.WriteEventStreamAsync(hub, null, options);
            }));
        });

        void Publish(int from, int to)
        {
            for (int n = from; n <= to; n++)
            {
                hub.Publish($$"""{"n":{{n}}}""", "tick", n.ToString());
            }
        }

        using IPlaywright playwright = await Playwright.CreateAsync();
        DirectoryInfo userData = Directory.CreateTempSubdirectory("ssecodec-chromium-");
        try
        {
            await using IBrowserContext browser = await playwright.Chromium.LaunchPersistentContextAsync(userData.FullName, new BrowserTypeLaunchPersistentContextOptions
            {
                ExecutablePath = ChromiumPath,
                Headless = true,
                Timeout = 60_000,
                Args =
                [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                ],
            });
            IPage page = browser.Pages.Count > 0 ? browser.Pages[0] : await browser.NewPageAsync();
            await page.GotoAsync(host.Address.ToString());

            // A quarter of the events on the first connection, seen by the browser; then the drop.
            await hub.WaitForConnectionsAsync(1);
            Publish(1, EventCount / 4);
            await WaitForEventsAsync(page, EventCount / 4);
            await dropFirst.CancelAsync();
            await Eventually.Within(firstStreamEnded.Task, "the first stream to end");

            // The next quarter while the browser is away (its connection is still open, so it cannot be back yet): it
            // must come as a replay from the history. Then the rest, live, after a heartbeat.
            Publish((EventCount / 4) + 1, EventCount / 2);
            abortFirst.SetResult();
            await hub.WaitForConnectionsAsync(1);
            clock.Advance(options.HeartbeatInterval);
            Publish((EventCount / 2) + 1, EventCount);
            await WaitForEventsAsync(page, EventCount);

            int[] got = await page.EvaluateAsync<int[]>("() => window.got");
            Assert.Equal(Enumerable.Range(1, EventCount), got);
            Assert.Null(await page.EvaluateAsync<string?>("() => window.mismatch ?? null"));
            Assert.Equal(0, await page.EvaluateAsync<int>("() => window.untyped"));
            Assert.True(await page.EvaluateAsync<int>("() => window.opens") >= 2, "the EventSource reconnected");
            Assert.True(await page.EvaluateAsync<int>("() => window.errors") >= 1, "the EventSource saw the drop");

            // The reconnect carried the last event the browser had seen, and events published while it was away were
            // replayed from the history.
            var all = connects.ToArray();
            Assert.Null(all[0].LastEventId);
            Assert.True(all.Length >= 2);
            Assert.Equal((EventCount / 4).ToString(), all[1].LastEventId);
            Assert.Equal(EventCount / 2, all[1].PublishedAtConnect);
        }
        finally
        {
            abortFirst.TrySetResult();
            try
            {
                userData.Delete(recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>Waits until the page's EventSource has received <paramref name="count"/> events; the bound only names a hang.</summary>
    private static Task WaitForEventsAsync(IPage page, int count) =>
        page.WaitForFunctionAsync($"() => window.got.length >= {count}", null, new PageWaitForFunctionOptions { Timeout = (float)Eventually.HangGuard.TotalMilliseconds });
}

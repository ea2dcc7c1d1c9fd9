using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Playwright;
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

        await using var hub = new SseHub(new SseHubOptions { History = new SseMemoryEventHistory(1000) });
        var options = new SseStreamOptions { ReconnectionTime = TimeSpan.FromMilliseconds(200), HeartbeatInterval = TimeSpan.FromSeconds(1) };
        var connects = new ConcurrentQueue<(string? LastEventId, long PublishedAtConnect)>();
        int requests = 0;
        using var publishing = new CancellationTokenSource();
        var firstConnection = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

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
                    // The first connection is dropped by the server after a while, mid-stream.
                    using var drop = CancellationTokenSource.CreateLinkedTokenSource(c.RequestAborted);
                    drop.CancelAfter(TimeSpan.FromMilliseconds(500));
                    c.Response.PrepareEventStream();
                    Task<SseStreamCompletion> streaming = hub.StreamAsync(c.Response.BodyWriter, c.Request.GetLastEventId(), null, options, drop.Token);
                    firstConnection.TrySetResult();
                    await streaming;
                    c.Abort();
                    return;
                }

                await c.Response.WriteEventStreamAsync(hub, null, options);
            }));
        });

        Task publisher = Task.Run(async () =>
        {
            await firstConnection.Task;
            for (int n = 1; n <= EventCount; n++)
            {
                hub.Publish($$"""{"n":{{n}}}""", "tick", n.ToString());
                await Task.Delay(20, publishing.Token);
            }
        });

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
            await page.WaitForFunctionAsync($"() => window.got.length >= {EventCount}", null, new PageWaitForFunctionOptions { Timeout = 30_000 });
            await publisher;

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
            int resumedFrom = int.Parse(all[1].LastEventId!);
            Assert.InRange(resumedFrom, 1, EventCount - 1);
            Assert.True(all[1].PublishedAtConnect > resumedFrom, $"events {resumedFrom + 1}..{all[1].PublishedAtConnect} were missed and replayed");
        }
        finally
        {
            publishing.Cancel();
            try
            {
                userData.Delete(recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}

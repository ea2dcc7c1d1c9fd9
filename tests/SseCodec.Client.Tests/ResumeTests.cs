using System.Text;

namespace SseCodec.Client.Tests;

/// <summary>
/// Dropped by the server mid-stream, the client reconnects after the server's retry and resumes through
/// Last-Event-ID, as the server's history replays it. (The server's side, on the hub and Kestrel, is in the ASP.NET
/// Core suite.)
/// </summary>
public sealed class ResumeTests
{
    private const int EventCount = 300;
    private const int PerConnection = 100;

    [Fact]
    public async Task SseClient_dropped_by_the_server_reconnects_after_retry_and_resumes_with_no_gap_and_no_duplicate()
    {
        var time = new TestClock();

        // Completed when the client has read the last event of the first and of the second connection.
        TaskCompletionSource[] readUpToTheDrop = [new(TaskCreationOptions.RunContinuationsAsynchronously), new(TaskCreationOptions.RunContinuationsAsynchronously)];

        // A server with a history: each connection gets the next 100 events after its Last-Event-ID. The first two are
        // dropped once the client has read them; the third ends, and the fourth request is told to stop.
        await using var server = await ScriptedServer.StartAsync(async (context, index) =>
        {
            if (index > 2)
            {
                await Sse.NoContent(context);
                return;
            }

            string lastEventId = context.Request.Headers["Last-Event-ID"].ToString();
            int after = lastEventId.Length == 0 ? 0 : int.Parse(lastEventId);
            var events = new StringBuilder(index == 0 ? "retry: 50\n\n" : "");
            for (int n = after + 1; n <= Math.Min(after + PerConnection, EventCount); n++)
            {
                events.Append($"id: {n}\nevent: tick\ndata: event {n}\n\n");
            }

            await Sse.StreamAsync(context, events.ToString());
            if (index < readUpToTheDrop.Length)
            {
                await readUpToTheDrop[index].Task;
                context.Abort();
            }
        });
        using var client = new SseClient(server.Events, new SseClientOptions { TimeProvider = time, UseJitter = false });
        var lifecycle = new Lifecycle(client);

        Task<List<Received>> reading = Task.Run(async () =>
        {
            var list = new List<Received>();
            await foreach (SseEvent e in client)
            {
                list.Add(Received.From(e));
                if (list.Count % PerConnection == 0 && list.Count / PerConnection <= readUpToTheDrop.Length)
                {
                    readUpToTheDrop[(list.Count / PerConnection) - 1].SetResult();
                }
            }

            return list;
        });

        // Each reconnection waits on the test's clock: passed as soon as it is armed.
        await time.RunUntilAsync(reading);
        List<Received> received = await reading;

        Assert.Equal(Enumerable.Range(1, EventCount).Select(n => new Received("tick", $"event {n}", n.ToString())), received);
        Assert.Equal([null, "100", "200", "300"], server.Requests.Select(r => r.LastEventId));
        Assert.Equal(
            ["error NetworkError reconnect", "error NetworkError reconnect", "error EndOfStream reconnect"],
            lifecycle.Log.Where(entry => entry.StartsWith("error", StringComparison.Ordinal)));
        Assert.Equal("closed NoContent", lifecycle.Log[^1]);
        Assert.Equal(TimeSpan.FromMilliseconds(50), lifecycle.Delays[0]);
    }
}

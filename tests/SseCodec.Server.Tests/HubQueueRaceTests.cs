using System.IO.Pipelines;
using SseCodec.Server.Tests.Infrastructure;
using SseCodec.Server;

namespace SseCodec.Server.Tests;

/// <summary>
/// A connection whose queue fills continues from the history; the publish that finds the queue full must not leave
/// it waiting on a queue that its own loop emptied meanwhile. The interleaving is forced through the hub's test hooks.
/// </summary>
public sealed class HubQueueRaceTests
{
    private static readonly TimeSpan Patience = Eventually.HangGuard;

    [Fact]
    public async Task A_connection_put_behind_after_its_loop_emptied_the_queue_still_gets_every_event()
    {
        await using var hub = new SseHub(new SseHubOptions { QueueCapacity = 1, History = new SseMemoryEventHistory(100), Name = "race-" + Guid.NewGuid() });
        var pipe = new Pipe(new PipeOptions(useSynchronizationContext: false));
        using var stop = new CancellationTokenSource();

        // The loop waits at its first wait until event 1 is queued; the publish of event 2 then finds the queue full
        // and, before it marks the connection behind, waits until the loop has written event 1 and is about to wait again.
        using var firstQueued = new ManualResetEventSlim();
        using var publisherPaused = new ManualResetEventSlim();
        using var loopAboutToWait = new ManualResetEventSlim();
        int waits = 0;
        hub.BeforeWaitingForEvents = () =>
        {
            int wait = Interlocked.Increment(ref waits);
            if (wait == 1)
            {
                Assert.True(firstQueued.Wait(Patience));
            }
            else if (wait == 2)
            {
                Assert.True(publisherPaused.IsSet);
                loopAboutToWait.Set();
            }
        };
        hub.AfterQueueFull = () =>
        {
            if (!publisherPaused.IsSet)
            {
                publisherPaused.Set();
                firstQueued.Set();
                Assert.True(loopAboutToWait.Wait(Patience));
            }
        };

        // On a pool thread: the loop's first wait blocks in the hook, and would block the test's thread.
        Task<SseStreamCompletion> streaming = Task.Run(() => hub.StreamAsync(pipe.Writer, options: new SseStreamOptions { HeartbeatInterval = TimeSpan.Zero }, cancellationToken: stop.Token));
        await hub.WaitForConnectionsAsync(1);

        hub.Publish("1", id: "1");
        await Task.Run(() => hub.Publish("2", id: "2"));
        hub.Publish("3", id: "3");

        // Before the fix the loop waited on its empty queue for good, and events 2 and 3 never came.
        using var reader = new SseReader(pipe.Reader, leaveOpen: true);
        using var timeout = new CancellationTokenSource(Patience);
        var ids = new List<string>();
        while (ids.Count < 3 && await reader.ReadAsync(timeout.Token))
        {
            ids.Add(reader.Current.LastEventId);
        }

        Assert.Equal(["1", "2", "3"], ids);
        Assert.True(loopAboutToWait.IsSet);
        stop.Cancel();
        await streaming;
    }
}

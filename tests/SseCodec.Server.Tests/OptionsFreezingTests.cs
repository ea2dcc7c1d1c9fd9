using System.IO.Pipelines;
using SseCodec.Server.Tests.Infrastructure;
using SseCodec.Server;

namespace SseCodec.Server.Tests;

/// <summary>A hub and a stream keep the options they started with: a later change to the caller's object reaches neither.</summary>
public sealed class OptionsFreezingTests
{
    [Fact]
    public async Task Changing_hub_options_after_the_hub_was_created_changes_nothing()
    {
        var history = new SseMemoryEventHistory(100);
        string name = "frozen-" + Guid.NewGuid();
        var options = new SseHubOptions { History = history, UnknownLastEventId = SseUnknownLastEventId.SendComment, Name = name };
        await using var hub = new SseHub(options);

        // Every option changed, to values that would show: no history, a one-byte replay cap, an invalid queue size.
        options.History = null;
        options.MaxReplayBytes = 1;
        options.QueueCapacity = 0;
        options.SlowClientPolicy = SseSlowClientPolicy.DropOldest;
        options.UnknownLastEventId = SseUnknownLastEventId.SendEvent;
        options.UnknownLastEventIdEventType = "changed";
        options.Name = "changed";

        Assert.Same(history, hub.History);
        Assert.Equal(name, hub.Name);
        for (int i = 1; i <= 3; i++)
        {
            hub.Publish($"e{i}", id: i.ToString());
        }

        // The history is still kept and replayed whole; the unknown ID still gets the comment.
        var pipe = new Pipe();
        using var stop = new CancellationTokenSource();
        Task<SseStreamCompletion> resumed = hub.StreamAsync(pipe.Writer, "1", options: new SseStreamOptions { HeartbeatInterval = TimeSpan.Zero }, cancellationToken: stop.Token);
        Assert.Equal("id: 2\ndata: e2\n\nid: 3\ndata: e3\n\n", await PipeText.ReadAtLeastAsync(pipe.Reader, 30));

        var unknownPipe = new Pipe();
        Task<SseStreamCompletion> unknown = hub.StreamAsync(unknownPipe.Writer, "no-such-id", options: new SseStreamOptions { HeartbeatInterval = TimeSpan.Zero }, cancellationToken: stop.Token);
        Assert.Equal(": Last-Event-ID not found\n", await PipeText.ReadAtLeastAsync(unknownPipe.Reader, 26));

        await stop.CancelAsync();
        Assert.Equal(SseStreamCompletion.Canceled, await resumed);
        Assert.Equal(SseStreamCompletion.Canceled, await unknown);
    }

    [Fact]
    public async Task Changing_stream_options_after_the_stream_started_changes_nothing()
    {
        var clock = new TestClock();
        var options = new SseStreamOptions { TimeProvider = clock, HeartbeatInterval = TimeSpan.FromSeconds(2), ReconnectionTime = TimeSpan.FromSeconds(1) };
        var pipe = new Pipe();
        using var stop = new CancellationTokenSource();
        var started = new TaskCompletionSource<SseWriter>(TaskCreationOptions.RunContinuationsAsynchronously);
        Task<SseStreamCompletion> streaming = SseStreaming.StreamAsync(pipe.Writer, async (w, t) =>
        {
            started.SetResult(w);
            await Task.Delay(Timeout.Infinite, t);
        }, options, stop.Token);
        SseWriter writer = await started.Task;

        options.HeartbeatInterval = TimeSpan.Zero;
        options.TimeProvider = null;
        options.ReconnectionTime = TimeSpan.FromSeconds(5);
        options.FlushPolicy = SseFlushPolicy.Coalesce(TimeSpan.FromHours(1));

        Assert.Equal("retry: 1000\n", await PipeText.ReadAtLeastAsync(pipe.Reader, 12));

        // Heartbeats stay on, on the fake clock; events are still flushed one by one.
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(":\n", await PipeText.ReadAtLeastAsync(pipe.Reader, 2));
        await writer.WriteEventAsync("x");
        Assert.Equal("data: x\n\n", PipeText.ReadAvailable(pipe.Reader));

        await stop.CancelAsync();
        Assert.Equal(SseStreamCompletion.Canceled, await streaming);
    }
}

using System.IO.Pipelines;
using Microsoft.Extensions.Logging;
using SseCodec.AspNetCore.Tests.Infrastructure;
using SseCodec.Server;

namespace SseCodec.AspNetCore.Tests;

/// <summary>The hub's defaults and edges over plain pipes: no silent loss by default, logged drops, safe teardown, validated options.</summary>
public sealed class HubSafetyTests
{
    private static readonly SseStreamOptions NoHeartbeat = new() { HeartbeatInterval = TimeSpan.Zero };

    private static Pipe StalledPipe() => new(new PipeOptions(pauseWriterThreshold: 512, resumeWriterThreshold: 256));

    [Fact]
    public async Task By_default_a_connection_that_falls_behind_is_disconnected_rather_than_losing_events()
    {
        Assert.Equal(SseSlowClientPolicy.Disconnect, new SseHubOptions().SlowClientPolicy);
        await using var hub = new SseHub(new SseHubOptions { QueueCapacity = 8, Name = "default-" + Guid.NewGuid() });
        Pipe stalled = StalledPipe();
        Task<SseStreamCompletion> streaming = hub.StreamAsync(stalled.Writer, options: NoHeartbeat);
        await hub.WaitForConnectionsAsync(1);
        for (int i = 0; i < 100; i++)
        {
            hub.Publish(new string('d', 100), id: i.ToString());
        }

        Assert.Equal(SseStreamCompletion.SlowClient, await streaming.WaitAsync(Eventually.HangGuard));
        Assert.Equal(0, hub.OutstandingBuffers);
    }

    [Fact]
    public async Task A_connection_that_fell_behind_catches_up_from_the_history_and_is_disconnected_only_when_it_no_longer_holds_what_it_missed()
    {
        var history = new SseMemoryEventHistory(capacity: 50);
        await using var hub = new SseHub(new SseHubOptions { QueueCapacity = 8, History = history, Name = "catchup-" + Guid.NewGuid() });
        Pipe stalled = StalledPipe();
        Task<SseStreamCompletion> streaming = hub.StreamAsync(stalled.Writer, options: NoHeartbeat);
        await hub.WaitForConnectionsAsync(1);

        // 40 events fit the history: the stalled connection falls behind its queue but loses nothing.
        for (int i = 1; i <= 40; i++)
        {
            hub.Publish(new string('d', 100), id: i.ToString());
        }

        Assert.InRange(hub.OutstandingBuffers, 0, 8);
        using var reader = new SseReader(stalled.Reader, leaveOpen: true);
        using var timeout = new CancellationTokenSource(Eventually.HangGuard);
        for (int i = 1; i <= 40; i++)
        {
            Assert.True(await reader.ReadAsync(timeout.Token));
            Assert.Equal(i.ToString(), reader.Current.LastEventId);
        }

        // Now it stalls while 200 more are published: the history keeps 50, so what it missed is gone: it is
        // disconnected, after only events it could take in order.
        for (int i = 41; i <= 240; i++)
        {
            hub.Publish(new string('d', 100), id: i.ToString());
        }

        // The destination is the caller's: complete it when the stream ends, so that the reader sees the end.
        Task ended = streaming.ContinueWith(_ => stalled.Writer.Complete(), TaskScheduler.Default);
        int next = 41;
        while (await reader.ReadAsync(timeout.Token))
        {
            Assert.Equal(next++.ToString(), reader.Current.LastEventId);
        }

        await ended;

        Assert.Equal(SseStreamCompletion.SlowClient, await streaming.WaitAsync(Eventually.HangGuard));
        Assert.True(next <= 241);
        Assert.Equal(0, hub.OutstandingBuffers);
    }

    [Fact]
    public async Task Drop_oldest_is_an_explicit_choice_and_is_logged()
    {
        var logger = new ListLogger();
        await using var hub = new SseHub(new SseHubOptions { QueueCapacity = 4, SlowClientPolicy = SseSlowClientPolicy.DropOldest, Logger = logger, Name = "log-" + Guid.NewGuid() });
        using var stop = new CancellationTokenSource();
        Task<SseStreamCompletion> streaming = hub.StreamAsync(StalledPipe().Writer, options: NoHeartbeat, cancellationToken: stop.Token);
        await hub.WaitForConnectionsAsync(1);
        for (int i = 0; i < 100; i++)
        {
            hub.Publish(new string('d', 100));
        }

        Assert.Single(logger.Entries, e => e.Id == 1 && e.Level == LogLevel.Warning && e.Message.Contains("DropOldest", StringComparison.Ordinal));
        await stop.CancelAsync();
        Assert.Equal(SseStreamCompletion.Canceled, await streaming.WaitAsync(Eventually.HangGuard));
        Assert.Contains(logger.Entries, e => e.Id == 2 && e.Message.Contains("dropped", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Aborting_a_session_after_its_stream_ended_and_its_response_was_disposed_does_nothing()
    {
        var destination = new DisposingPipeWriter(new Pipe().Writer);
        var session = new SseSession(destination, NoHeartbeat, CancellationToken.None);
        await session.StartAsync();
        await session.DisposeAsync();
        destination.Dispose();

        // Kestrel's response writer throws ObjectDisposedException once the response is done; a queued abort must not.
        Assert.Throws<ObjectDisposedException>(() => destination.CancelPendingFlush());
        session.Abort();
    }

    [Fact]
    public void Hub_options_are_validated_when_the_hub_is_created_and_the_error_names_the_option()
    {
        var options = new SseHubOptions();
        Assert.Equal(4 * 1024 * 1024, options.MaxReplayBytes);
        Assert.Equal(SseUnknownLastEventId.SendEvent, options.UnknownLastEventId);
        Assert.Equal("last-event-id-unknown", options.UnknownLastEventIdEventType);

        AssertRefused<ArgumentOutOfRangeException>(new SseHubOptions { QueueCapacity = 0 }, "SseHubOptions.QueueCapacity");
        AssertRefused<ArgumentOutOfRangeException>(new SseHubOptions { MaxReplayBytes = 0 }, "SseHubOptions.MaxReplayBytes");
        AssertRefused<ArgumentOutOfRangeException>(new SseHubOptions { SlowClientPolicy = (SseSlowClientPolicy)7 }, "SseHubOptions.SlowClientPolicy");
        AssertRefused<ArgumentOutOfRangeException>(new SseHubOptions { UnknownLastEventId = (SseUnknownLastEventId)7 }, "SseHubOptions.UnknownLastEventId");
        AssertRefused<ArgumentException>(new SseHubOptions { UnknownLastEventIdEventType = "two\nlines" }, "SseHubOptions.UnknownLastEventIdEventType");
        AssertRefused<ArgumentException>(new SseHubOptions { UnknownLastEventIdEventType = "" }, "SseHubOptions.UnknownLastEventIdEventType");
        AssertRefused<ArgumentException>(new SseHubOptions { Logger = null! }, "SseHubOptions.Logger");
        AssertRefused<ArgumentException>(new SseHubOptions { Name = null! }, "SseHubOptions.Name");

        static void AssertRefused<TException>(SseHubOptions options, string option)
            where TException : ArgumentException
        {
            TException e = Assert.Throws<TException>(() => new SseHub(options));
            Assert.Equal("options", e.ParamName);
            Assert.StartsWith(option + " ", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Stream_options_are_validated_when_a_stream_starts_and_the_error_names_the_option()
    {
        var negativeHeartbeat = new SseStreamOptions { HeartbeatInterval = TimeSpan.FromSeconds(-1) };
        var e = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => SseStreaming.StreamAsync(new Pipe().Writer, (_, _) => Task.CompletedTask, negativeHeartbeat));
        Assert.StartsWith("SseStreamOptions.HeartbeatInterval ", e.Message, StringComparison.Ordinal);

        await using var hub = new SseHub();
        var negativeReconnectionTime = new SseStreamOptions { ReconnectionTime = TimeSpan.FromSeconds(-1) };
        e = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => hub.StreamAsync(new Pipe().Writer, options: negativeReconnectionTime));
        Assert.StartsWith("SseStreamOptions.ReconnectionTime ", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, hub.ConnectionCount);

        // Infinite is the other way to turn heartbeats off, and is accepted.
        var infinite = new SseStreamOptions { HeartbeatInterval = Timeout.InfiniteTimeSpan };
        Assert.Equal(SseStreamCompletion.SourceCompleted, await SseStreaming.StreamAsync(new Pipe().Writer, (_, _) => Task.CompletedTask, infinite));
    }

    [Fact]
    public async Task The_memory_history_pages_by_bytes_and_reports_gaps()
    {
        var history = new SseMemoryEventHistory(capacity: 10);
        await using var hub = new SseHub(new SseHubOptions { History = history });
        for (int i = 1; i <= 15; i++)
        {
            hub.Publish(new string('p', 10), id: i.ToString());
        }

        SseReplay page = await history.ReadAfterAsync(5, 1, default);
        Assert.True(page.Contiguous);
        Assert.Equal([6L], page.Events.Select(e => e.Sequence));
        page = await history.ReadAfterAsync(5, long.MaxValue, default);
        Assert.Equal(Enumerable.Range(6, 10).Select(i => (long)i), page.Events.Select(e => e.Sequence));
        Assert.False((await history.ReadAfterAsync(4, long.MaxValue, default)).Contiguous);
        Assert.True((await history.ReadAfterAsync(15, long.MaxValue, default)).Contiguous);
        Assert.Empty((await history.ReadAfterAsync(15, long.MaxValue, default)).Events);
        Assert.Equal(12, (await history.FindAsync("12", default))?.Sequence);
    }

    /// <summary>A response writer that, like Kestrel's, throws once the response is done.</summary>
    private sealed class DisposingPipeWriter(PipeWriter inner) : PipeWriter, IDisposable
    {
        private bool _disposed;

        public void Dispose() => _disposed = true;

        public override void Advance(int bytes) => Inner.Advance(bytes);

        public override Memory<byte> GetMemory(int sizeHint = 0) => Inner.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => Inner.GetSpan(sizeHint);

        public override void CancelPendingFlush() => Inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null) => Inner.Complete(exception);

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => Inner.FlushAsync(cancellationToken);

        private PipeWriter Inner => _disposed ? throw new ObjectDisposedException("response") : inner;
    }

    private sealed class ListLogger : ILogger
    {
        private readonly List<(int Id, LogLevel Level, string Message)> _entries = [];

        public IReadOnlyList<(int Id, LogLevel Level, string Message)> Entries
        {
            get
            {
                lock (_entries)
                {
                    return [.. _entries];
                }
            }
        }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_entries)
            {
                _entries.Add((eventId.Id, logLevel, formatter(state, exception)));
            }
        }
    }
}

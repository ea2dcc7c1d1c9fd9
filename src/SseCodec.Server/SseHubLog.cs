using Microsoft.Extensions.Logging;

namespace SseCodec.Server;

/// <summary>The hub's log messages, defined once so that logging them allocates no format state.</summary>
internal static class SseHubLog
{
    private static readonly Action<ILogger, string, int, Exception?> FirstDrop = LoggerMessage.Define<string, int>(
        LogLevel.Warning,
        new EventId(1, "SseHubEventsDropped"),
        "SSE hub {Hub}: a connection's queue of {QueueCapacity} events is full and the policy is DropOldest: it is losing events.");

    private static readonly Action<ILogger, string, long, Exception?> DroppedTotal = LoggerMessage.Define<string, long>(
        LogLevel.Warning,
        new EventId(2, "SseHubConnectionLostEvents"),
        "SSE hub {Hub}: a connection ended after {Dropped} events were dropped from its queue.");

    private static readonly Action<ILogger, string, string, Exception?> SlowDisconnect = LoggerMessage.Define<string, string>(
        LogLevel.Information,
        new EventId(3, "SseHubSlowClientDisconnected"),
        "SSE hub {Hub}: a connection fell behind and was disconnected ({Reason}); its client resumes with its Last-Event-ID.");

    private static readonly Action<ILogger, string, Exception?> BackgroundFailure = LoggerMessage.Define<string>(
        LogLevel.Error,
        new EventId(4, "SseHubBackgroundFailure"),
        "SSE hub {Hub}: disconnecting a slow connection failed.");

    private static readonly Action<ILogger, string, string, string, Exception?> Gap = LoggerMessage.Define<string, string, string>(
        LogLevel.Warning,
        new EventId(5, "SseHubBackplaneGap"),
        "SSE hub {Hub}: the backplane's stream no longer holds events {From} to {To}, which this node had not delivered; its connections end so that their clients resume with their Last-Event-ID.");

    public static void BackplaneGap(ILogger logger, string hub, string from, string to) => Gap(logger, hub, from, to, null);

    public static void EventsDropped(ILogger logger, string hub, int queueCapacity) => FirstDrop(logger, hub, queueCapacity, null);

    public static void ConnectionLostEvents(ILogger logger, string hub, long dropped) => DroppedTotal(logger, hub, dropped, null);

    public static void SlowClientDisconnected(ILogger logger, string hub, string reason) => SlowDisconnect(logger, hub, reason, null);

    public static void DisconnectFailed(ILogger logger, string hub, Exception exception) => BackgroundFailure(logger, hub, exception);
}

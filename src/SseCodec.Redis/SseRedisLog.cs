using Microsoft.Extensions.Logging;

namespace SseCodec.Redis;

/// <summary>The Redis stream's log messages, defined once.</summary>
internal static class SseRedisLog
{
    private static readonly Action<ILogger, string, Exception?> ReadFailedMessage = LoggerMessage.Define<string>(
        LogLevel.Warning,
        new EventId(1, "SseRedisReadFailed"),
        "SSE Redis stream {Stream}: reading failed; retrying, and delivery resumes after the last delivered entry.");

    private static readonly Action<ILogger, string, string, Exception?> RecoveredMessage = LoggerMessage.Define<string, string>(
        LogLevel.Information,
        new EventId(2, "SseRedisReadRecovered"),
        "SSE Redis stream {Stream}: reading again after entry {Cursor}.");

    private static readonly Action<ILogger, string, string, string, Exception?> MalformedMessage = LoggerMessage.Define<string, string, string>(
        LogLevel.Error,
        new EventId(3, "SseRedisMalformedEntry"),
        "SSE Redis stream {Stream}: entry {EntryId} is not an event of this stream ({Reason}); passed over.");

    public static void ReadFailed(ILogger logger, string stream, Exception exception) => ReadFailedMessage(logger, stream, exception);

    public static void Recovered(ILogger logger, string stream, string cursor) => RecoveredMessage(logger, stream, cursor, null);

    public static void Malformed(ILogger logger, string stream, string entryId, string reason) => MalformedMessage(logger, stream, entryId, reason, null);
}

using System.Diagnostics.CodeAnalysis;

namespace SseCodec;

/// <summary>Throws from out-of-line methods so that the hot paths that call them stay small.</summary>
internal static class ThrowHelper
{
    public static SseLimitExceededException CreateLineTooLong(int limit, long byteOffset) =>
        new(nameof(SseParserOptions.MaxLineLength), limit, byteOffset);

    public static SseLimitExceededException CreateEventTooLarge(int limit, long byteOffset) =>
        new(nameof(SseParserOptions.MaxEventSize), limit, byteOffset);

    [DoesNotReturn]
    public static void ThrowStaleEvent() =>
        throw new InvalidOperationException("The event is no longer valid: the parser has read past it. Copy what you need before the next read.");

    [DoesNotReturn]
    public static void ThrowNoCurrentEvent() =>
        throw new InvalidOperationException("There is no current event: the last read did not produce one.");

    [DoesNotReturn]
    public static void ThrowFaulted(Exception fault) =>
        throw new InvalidOperationException("The parser stopped at an earlier error and cannot read further.", fault);

    [DoesNotReturn]
    public static void ThrowObjectDisposed(object instance) =>
        throw new ObjectDisposedException(instance.GetType().FullName);

    // Encoder: argument validation, thrown before anything is written.
    [DoesNotReturn]
    public static void ThrowEventTypeHasLineBreak(string paramName) =>
        throw new ArgumentException("An event type cannot contain CR or LF: it would end the field and start another.", paramName);

    [DoesNotReturn]
    public static void ThrowInvalidEventId(string paramName) =>
        throw new ArgumentException("An event ID cannot contain CR, LF or U+0000: a line break would start another field, and a client ignores an id field containing U+0000.", paramName);

    [DoesNotReturn]
    public static void ThrowNegativeRetry(string paramName, TimeSpan value) =>
        throw new ArgumentOutOfRangeException(paramName, value, "A reconnection time cannot be negative.");
}

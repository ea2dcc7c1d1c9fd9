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
}

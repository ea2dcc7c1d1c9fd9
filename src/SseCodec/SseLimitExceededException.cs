using System.IO;

namespace SseCodec;

/// <summary>
/// The event stream broke one of the limits in <see cref="SseParserOptions"/>.
/// Every event dispatched before the offending byte has been delivered; the parser delivers nothing after it.
/// </summary>
/// <remarks>
/// <see cref="InvalidDataException"/> is sealed, so this derives from <see cref="IOException"/>, its nearest
/// catchable relative for a stream whose content is bad.
/// </remarks>
public sealed class SseLimitExceededException : IOException
{
    /// <summary>Creates an exception with a message only; <see cref="LimitName"/> is empty.</summary>
    public SseLimitExceededException() : this("An event stream limit was exceeded.") { }

    /// <summary>Creates an exception with a message only; <see cref="LimitName"/> is empty.</summary>
    public SseLimitExceededException(string message) : base(message) => LimitName = string.Empty;

    /// <summary>Creates an exception with a message and an inner exception; <see cref="LimitName"/> is empty.</summary>
    public SseLimitExceededException(string message, Exception innerException) : base(message, innerException) => LimitName = string.Empty;

    /// <summary>Creates an exception that names the limit, its value and the offset of the first byte beyond it.</summary>
    /// <param name="limitName">The option that was exceeded, such as <c>MaxLineLength</c>.</param>
    /// <param name="limit">The option's value, in bytes.</param>
    /// <param name="byteOffset">The offset, from the start of the stream, of the first byte beyond the limit.</param>
    public SseLimitExceededException(string limitName, int limit, long byteOffset)
        : base($"The event stream exceeds {nameof(SseParserOptions)}.{limitName} ({limit} bytes) at byte offset {byteOffset}.")
    {
        LimitName = limitName;
        Limit = limit;
        ByteOffset = byteOffset;
    }

    /// <summary>The name of the exceeded option: <c>MaxLineLength</c> or <c>MaxEventSize</c>.</summary>
    public string LimitName { get; }

    /// <summary>The value of the exceeded option, in bytes.</summary>
    public int Limit { get; }

    /// <summary>The offset, counted in bytes from the start of the stream (a byte order mark included), of the first byte beyond the limit.</summary>
    public long ByteOffset { get; }
}

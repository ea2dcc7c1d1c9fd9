namespace SseCodec.Server;

/// <summary>
/// A backplane could not append an event: the shared stream was unreachable, timed out, or refused it. The message
/// names the stream and the cause. After a timeout or a broken connection the event may have been appended all the
/// same (the reply was lost): a retry can then publish it twice.
/// </summary>
public sealed class SseBackplaneException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SseBackplaneException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What failed.</param>
    public SseBackplaneException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The engine's exception.</param>
    public SseBackplaneException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

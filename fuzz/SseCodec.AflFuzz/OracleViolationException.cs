namespace SseCodec.AflFuzz;

/// <summary>Thrown out of the fuzzing action when an oracle fails, so afl-fuzz records the input as a crash.</summary>
internal sealed class OracleViolationException : Exception
{
    public OracleViolationException()
    {
    }

    public OracleViolationException(string message)
        : base(message)
    {
    }

    public OracleViolationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

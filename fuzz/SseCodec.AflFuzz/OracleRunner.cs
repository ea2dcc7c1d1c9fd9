using SseCodec.Reference.Oracles;

namespace SseCodec.AflFuzz;

/// <summary>Runs one oracle; an exception escaping it (anything the library throws unasked) is that oracle's failure.</summary>
internal static class OracleRunner
{
    public static OracleFailure? Run(string oracle, Func<string?> check)
    {
        try
        {
            return check() is string message ? new OracleFailure(oracle, message) : null;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new OracleFailure(oracle, $"unexpected exception {e.GetType().FullName}: {e.Message}\n{e.StackTrace}");
        }
    }
}

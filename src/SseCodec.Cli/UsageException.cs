namespace SseCodec.Cli;

/// <summary>The command line could not be understood.</summary>
internal sealed class UsageException(string message) : Exception(message);

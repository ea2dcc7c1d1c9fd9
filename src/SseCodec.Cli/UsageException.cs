namespace SseCodec.Cli;

/// <summary>The command line could not be understood, or names a file or an address that cannot be used.</summary>
/// <param name="message">What is wrong, for a line on stderr.</param>
/// <param name="suggestHelp">Whether to point at <c>sse --help</c>: yes for a malformed command line, no when the arguments were well formed but name something that cannot be used.</param>
internal sealed class UsageException(string message, bool suggestHelp = true) : Exception(message)
{
    public bool SuggestHelp { get; } = suggestHelp;
}

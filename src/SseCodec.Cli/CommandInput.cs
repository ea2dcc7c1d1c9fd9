namespace SseCodec.Cli;

/// <summary>Where <c>sse parse</c> and <c>sse encode</c> read from: a file named on the command line, or standard input.</summary>
internal static class CommandInput
{
    /// <summary>Opens <paramref name="path"/>, or returns <paramref name="stdin"/> when it is <see langword="null"/> (<c>-</c> or nothing given).</summary>
    /// <exception cref="UsageException">The file cannot be read; the message names it.</exception>
    public static Stream Open(string? path, Stream stdin)
    {
        try
        {
            return path is null ? stdin : File.OpenRead(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot read '{path}': {e.Message}", suggestHelp: false);
        }
    }
}

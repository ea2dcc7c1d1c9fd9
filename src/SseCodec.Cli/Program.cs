namespace SseCodec.Cli;

internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        using var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancellation.Cancel();
        };

        await using Stream stdin = Console.OpenStandardInput();
        await using Stream stdout = Console.OpenStandardOutput();
        return await SseCommand.RunAsync(args, stdin, stdout, Console.Error, cancellation.Token);
    }
}

using System.Runtime.InteropServices;

namespace SseCodec.Cli;

internal static class Program
{
    private static int _signal;

    private static async Task<int> Main(string[] args)
    {
        // Even a failure on a thread-pool thread ends the process with one line and a documented code, not an abort (134).
        AppDomain.CurrentDomain.UnhandledException += (_, e) =>
        {
            SseCommand.TryWriteFailure(Console.Error, e.ExceptionObject as Exception);
            Environment.Exit(SseCommand.ExitFailure);
        };

        // SIGINT (Ctrl+C) and SIGTERM stop the command: a server closes its streams and stops, a reader flushes what it
        // printed. A second signal, when the first did not end the process, takes the default action and ends it at once.
        using var stop = new CancellationTokenSource();
        void OnSignal(PosixSignalContext context)
        {
            if (Interlocked.CompareExchange(ref _signal, (int)context.Signal, 0) == 0)
            {
                context.Cancel = true;
                _ = stop.CancelAsync();
            }
        }

        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        try
        {
            await using Stream stdin = new InterruptibleReadStream(Console.OpenStandardInput());
            await using Stream stdout = Console.OpenStandardOutput();
            int exit = await SseCommand.RunAsync(args, stdin, stdout, Console.Error, stop.Token);
            return exit == SseCommand.ExitCanceled && Volatile.Read(ref _signal) == (int)PosixSignal.SIGTERM ? SseCommand.ExitTerminated : exit;
        }
        catch (Exception e)
        {
            SseCommand.TryWriteFailure(Console.Error, e);
            return SseCommand.ExitFailure;
        }
    }
}

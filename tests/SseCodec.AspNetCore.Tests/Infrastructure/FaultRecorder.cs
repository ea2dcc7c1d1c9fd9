using System.Collections.Concurrent;

namespace SseCodec.AspNetCore.Tests.Infrastructure;

/// <summary>
/// Records exceptions from the server code that nobody observed: unobserved faulted tasks and unhandled exceptions on
/// pool threads (which end the process, so a run that hits one on the old code aborts rather than reports).
/// </summary>
internal sealed class FaultRecorder : IDisposable
{
    private readonly ConcurrentQueue<string> _faults = new();

    public FaultRecorder()
    {
        TaskScheduler.UnobservedTaskException += OnUnobserved;
        AppDomain.CurrentDomain.UnhandledException += OnUnhandled;
    }

    public IReadOnlyCollection<string> Faults
    {
        get
        {
            // Unobserved task exceptions surface when the faulted tasks are finalized.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            return _faults.ToArray();
        }
    }

    public void Dispose()
    {
        TaskScheduler.UnobservedTaskException -= OnUnobserved;
        AppDomain.CurrentDomain.UnhandledException -= OnUnhandled;
    }

    private void OnUnobserved(object? sender, UnobservedTaskExceptionEventArgs e) => Record(e.Exception);

    private void OnUnhandled(object? sender, UnhandledExceptionEventArgs e) => Record(e.ExceptionObject as Exception);

    private void Record(Exception? e)
    {
        // Other tests run in the same process: keep the server's own faults.
        string text = e?.ToString() ?? "(no exception)";
        if (text.Contains("SseCodec.Server", StringComparison.Ordinal) || text.Contains("SseCodec.AspNetCore.SseHttp", StringComparison.Ordinal))
        {
            _faults.Enqueue(text);
        }
    }
}

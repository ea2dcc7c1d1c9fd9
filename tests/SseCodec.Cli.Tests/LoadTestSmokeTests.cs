// The net10.0 suite only: the process this starts is the net10.0 build of the load test whatever runtime the suite runs
// on (Infrastructure/SpawnedProgram.cs), so the net9.0 and net8.0 suites would repeat the very same run.
#if NET10_0
using System.Diagnostics;
using SseCodec.Cli.Tests.Infrastructure;

namespace SseCodec.Cli.Tests;

/// <summary>
/// Runs tests/SseCodec.LoadTest reduced (a few hundred connections, seconds not minutes), server and client in
/// separate processes on 127.0.0.1, so that CI keeps the harness working. The full run is done by hand.
/// </summary>
public sealed class LoadTestSmokeTests
{
    [Fact]
    public async Task The_reduced_load_test_passes_in_separate_processes()
    {
        ProcessStartInfo info = SpawnedProgram.StartInfo(SpawnedProgram.LoadTest);
        foreach (string arg in new[] { "--idle", "300", "--hold", "4", "--heartbeat", "1", "--broadcast", "100", "--events", "200", "--stalled-events", "2000", "--readers", "10" })
        {
            info.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(info)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        string output = await stdout + await stderr;
        Assert.True(process.ExitCode == 0, output);
        Assert.Contains("held 300 connections 4 s: 0 errors", output);
        Assert.Contains("load test: passed", output);
    }
}
#endif

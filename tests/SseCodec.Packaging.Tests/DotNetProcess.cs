using System.Diagnostics;
using System.Text;

namespace SseCodec.Packaging.Tests;

/// <summary>Runs a program to its end, with its output collected and a bound on how long it may take.</summary>
public static class DotNetProcess
{
    /// <summary>The outcome of one run: exit code and everything printed, stdout and stderr interleaved.</summary>
    public sealed record Result(int ExitCode, string Output, string StandardOutput);

    /// <summary>Runs the dotnet host with <paramref name="arguments"/>.</summary>
    public static Task<Result> RunDotNetAsync(string workingDirectory, TimeSpan limit, params string[] arguments) =>
        RunAsync("dotnet", workingDirectory, limit, arguments);

    /// <summary>
    /// Runs <paramref name="fileName"/>. Build settings of the test host's own run (MSBuild's variables) are not passed
    /// on, so each child builds as if started from a shell; a run past <paramref name="limit"/> is killed, with its
    /// children, and reported as a failure.
    /// </summary>
    public static async Task<Result> RunAsync(string fileName, string workingDirectory, TimeSpan limit, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (string name in startInfo.Environment.Keys.ToList())
        {
            if (name.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || name.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase))
            {
                startInfo.Environment.Remove(name);
            }
        }

        startInfo.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        startInfo.Environment["DOTNET_NOLOGO"] = "1";
        startInfo.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";

        var output = new StringBuilder();
        var standardOutput = new StringBuilder();
        using var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(e.Data);
                standardOutput.AppendLine(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(e.Data);
            }
        };

        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException($"'{fileName} {string.Join(' ', arguments)}' ran past {limit}:{Environment.NewLine}{output}");
        }

        // The exit was seen; WaitForExit() without a timeout also waits for the output to be read to its end.
        process.WaitForExit();
        lock (output)
        {
            return new Result(process.ExitCode, output.ToString(), standardOutput.ToString());
        }
    }
}

using System.Diagnostics;
using System.Reflection;

namespace SseCodec.Cli.Tests.Infrastructure;

/// <summary>
/// The programs the tests start as separate processes: the net10.0 builds of the sse tool and the load test, whose
/// paths the build compiles in. They run with the dotnet host on the .NET 10 runtime, the one a fresh machine has,
/// whichever runtime the suite itself runs on.
/// </summary>
internal static class SpawnedProgram
{
    /// <summary>The sse tool's sse.dll.</summary>
    public static string Sse => PathOf("sse");

    /// <summary>The load test's SseCodec.LoadTest.dll.</summary>
    public static string LoadTest => PathOf("SseCodec.LoadTest");

    /// <summary>A start for <c>dotnet <paramref name="dll"/></c> with its output redirected.</summary>
    public static ProcessStartInfo StartInfo(string dll)
    {
        Assert.True(File.Exists(dll), dll);
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(dll);
        return info;
    }

    private static string PathOf(string name) =>
        typeof(SpawnedProgram).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(a => a.Key == "SpawnedProgram:" + name)?.Value
        ?? throw new InvalidOperationException($"The build compiled in no path for {name}.dll (see AddSpawnedProgramPaths in the project file).");
}

using System.Net.ServerSentEvents;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace SseCodec.Benchmarks;

/// <summary>
/// What this process is: the build (net10.0, or the self-contained net8.0 column), the runtime it runs on, and which
/// System.Net.ServerSentEvents it measures against. Both runners print it first, so that figures from one column are
/// never taken for the other's.
/// </summary>
public static class BenchmarkHost
{
    /// <summary>
    /// Whether this build carries its own runtime (the net8.0 column: a fresh machine has only the newest .NET), seen
    /// from where the runtime was loaded. A child process that <c>dotnet</c> starts would find no such runtime.
    /// </summary>
    public static bool IsSelfContained { get; } = string.Equals(
        Path.TrimEndingDirectorySeparator(Path.GetFullPath(RuntimeEnvironment.GetRuntimeDirectory())),
        Path.TrimEndingDirectorySeparator(Path.GetFullPath(AppContext.BaseDirectory)),
        StringComparison.Ordinal);

    /// <summary>The target framework this build is for, e.g. <c>net8.0</c>.</summary>
    public static string TargetFramework { get; } = TargetFrameworkOf(AppContext.TargetFrameworkName);

    /// <summary>How to run this build again: the benchmark project is named as its assembly is.</summary>
    public static string RunCommand { get; } =
        $"dotnet run -c Release --project bench/{Assembly.GetEntryAssembly()?.GetName().Name ?? "SseCodec.Benchmarks"} --";

    /// <summary>The runtime's version and where it was loaded from.</summary>
    public static string Runtime =>
        $"{RuntimeInformation.FrameworkDescription} ({RuntimeInformation.RuntimeIdentifier}), {RuntimeInformation.OSDescription};"
        + $" build {TargetFramework}, {(IsSelfContained ? "self-contained" : "framework-dependent")}, runtime loaded from {RuntimeEnvironment.GetRuntimeDirectory()}";

    /// <summary>The contender's version and file: the shared framework's from net10.0 on, the package's before.</summary>
    public static string Contender
    {
        get
        {
            Assembly assembly = typeof(SseParser).Assembly;
            string version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
            int metadata = version.IndexOf('+', StringComparison.Ordinal);
            return $"System.Net.ServerSentEvents {(metadata < 0 ? version : version[..metadata])} from {assembly.Location}";
        }
    }

    private static string TargetFrameworkOf(string? frameworkName)
    {
        if (frameworkName is null)
        {
            return "unknown";
        }

        Version version = new FrameworkName(frameworkName).Version;
        return $"net{version.Major}.{version.Minor}";
    }
}

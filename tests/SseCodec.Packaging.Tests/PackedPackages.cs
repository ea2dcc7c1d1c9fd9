using System.IO.Compression;
using System.Reflection;
using System.Text.Json;

namespace SseCodec.Packaging.Tests;

/// <summary>
/// The solution packed once per test run, from the build the tests belong to (dotnet pack --no-build), into a
/// temporary folder, at a version of its own so that no package of an earlier run, in NuGet's global packages folder,
/// can stand in for these; the consumers restore from that folder with the user's usual feeds beside it. Disposing
/// removes the folder and the run's packages from the global packages folder.
/// </summary>
public sealed class PackedPackages : IAsyncLifetime
{
    /// <summary>Bounds one dotnet command: a hang fails the test instead of holding the run.</summary>
    internal static readonly TimeSpan CommandLimit = TimeSpan.FromMinutes(5);

    public static readonly string[] PackageIds =
    [
        "SseCodec", "SseCodec.Client", "SseCodec.Client.Http", "SseCodec.Server", "SseCodec.AspNetCore", "SseCodec.Redis", "SseCodec.Cli",
    ];

    private readonly List<string> _globalPackagesFolders = [];

    public PackedPackages()
    {
        RepositoryRoot = ReadMetadata("SseCodecRepositoryRoot");
        Configuration = ReadMetadata("SseCodecConfiguration");
        Version = $"0.0.0-check.{Guid.NewGuid():N}";
        WorkFolder = Directory.CreateTempSubdirectory("ssecodec-packaging-").FullName;
        PackageFolder = Path.Combine(WorkFolder, "packages");
    }

    public string RepositoryRoot { get; }

    public string Configuration { get; }

    /// <summary>The version every package of this run has.</summary>
    public string Version { get; }

    /// <summary>Holds the packages, the consumers' copies and their NuGet.config.</summary>
    public string WorkFolder { get; }

    public string PackageFolder { get; }

    public async Task InitializeAsync()
    {
        DotNetProcess.Result pack = await DotNetProcess.RunDotNetAsync(
            RepositoryRoot,
            CommandLimit,
            "pack", Path.Combine(RepositoryRoot, "SseCodec.sln"), "-c", Configuration, "--no-build",
            "-o", PackageFolder, $"-p:Version={Version}", "--disable-build-servers", "-nodeReuse:false");
        Assert.True(pack.ExitCode == 0, $"dotnet pack failed:{Environment.NewLine}{pack.Output}");

        // The consumers build in the work folder, out of the repository's reach: its Directory.Build.props,
        // Directory.Packages.props and global.json do not apply to them, as to a user's project.
        CopyDirectory(Path.Combine(RepositoryRoot, "tests", "consumers"), Path.Combine(WorkFolder, "consumers"));
        File.WriteAllText(Path.Combine(WorkFolder, "NuGet.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="packed" value="{PackageFolder}" />
              </packageSources>
            </configuration>
            """);
    }

    public string PackagePath(string id, string extension = "nupkg") => Path.Combine(PackageFolder, $"{id}.{Version}.{extension}");

    /// <summary>Builds a consumer project (restoring it first) against this run's packages.</summary>
    public async Task<DotNetProcess.Result> BuildConsumerAsync(string name)
    {
        string project = Path.Combine(WorkFolder, "consumers", name);
        DotNetProcess.Result build = await DotNetProcess.RunDotNetAsync(
            project,
            CommandLimit,
            "build", "-c", "Release", $"-p:SseCodecPackageVersion={Version}", "--disable-build-servers", "-nodeReuse:false");
        RememberGlobalPackagesFolder(project);
        return build;
    }

    public Task DisposeAsync()
    {
        foreach (string folder in _globalPackagesFolders.Distinct())
        {
            foreach (string id in PackageIds)
            {
                string restored = Path.Combine(folder, id.ToLowerInvariant(), Version);
                if (Directory.Exists(restored))
                {
                    Directory.Delete(restored, recursive: true);
                }
            }
        }

        Directory.Delete(WorkFolder, recursive: true);
        return Task.CompletedTask;
    }

    /// <summary>Notes where restore put the packages (NUGET_PACKAGES or the user's default), to clean it up later.</summary>
    private void RememberGlobalPackagesFolder(string project)
    {
        string assets = Path.Combine(project, "obj", "project.assets.json");
        if (!File.Exists(assets))
        {
            return;
        }

        using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(assets));
        if (document.RootElement.TryGetProperty("packageFolders", out JsonElement folders))
        {
            foreach (JsonProperty folder in folders.EnumerateObject())
            {
                lock (_globalPackagesFolders)
                {
                    _globalPackagesFolders.Add(folder.Name);
                }
            }
        }
    }

    /// <summary>The folders under lib/ (or tools/, for a tool) of a package: its target frameworks.</summary>
    public static SortedSet<string> TargetFolders(string nupkg, string root)
    {
        using ZipArchive archive = ZipFile.OpenRead(nupkg);
        return new SortedSet<string>(
            archive.Entries
                .Select(entry => entry.FullName.Split('/'))
                .Where(parts => parts.Length > 2 && parts[0] == root)
                .Select(parts => parts[1]),
            StringComparer.Ordinal);
    }

    internal static string ReadMetadata(string key) =>
        typeof(PackedPackages).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"The test assembly has no {key}.");

    private static void CopyDirectory(string source, string destination)
    {
        foreach (string file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(source, file);
            string[] parts = relative.Split(Path.DirectorySeparatorChar);
            if (parts.Contains("bin") || parts.Contains("obj"))
            {
                continue;
            }

            string target = Path.Combine(destination, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}

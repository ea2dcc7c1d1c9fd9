using System.IO.Compression;
using System.Xml.Linq;

namespace SseCodec.Packaging.Tests;

/// <summary>What dotnet pack makes: exactly the intended packages, each with exactly its targets, a README and symbols.</summary>
[Collection(SharedPack.Name)]
public sealed class PackageTests(PackedPackages packages)
{
    public static TheoryData<string, string, string[]> Targets => new()
    {
        { "SseCodec", "lib", ["net10.0", "net8.0", "net9.0", "netstandard2.0"] },
        { "SseCodec.Client", "lib", ["net10.0", "net8.0", "net9.0", "netstandard2.0"] },
        { "SseCodec.Client.Http", "lib", ["net10.0", "net8.0", "net9.0", "netstandard2.0"] },
        { "SseCodec.Server", "lib", ["net10.0", "net8.0", "net9.0", "netstandard2.0"] },
        { "SseCodec.AspNetCore", "lib", ["net10.0", "net8.0", "net9.0"] },
        { "SseCodec.Redis", "lib", ["net10.0", "net8.0", "net9.0", "netstandard2.0"] },
        { "SseCodec.Cli", "tools", ["net10.0", "net8.0", "net9.0"] },
    };

    [Fact]
    public void Pack_makes_exactly_the_seven_packages_and_their_symbol_packages()
    {
        string[] expected = PackedPackages.PackageIds
            .SelectMany(id => new[] { $"{id}.{packages.Version}.nupkg", $"{id}.{packages.Version}.snupkg" })
            .Order(StringComparer.Ordinal)
            .ToArray();

        string[] made = Directory.EnumerateFiles(packages.PackageFolder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

        Assert.Equal(expected, made);
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void Each_package_holds_exactly_its_target_frameworks(string id, string root, string[] frameworks)
    {
        SortedSet<string> folders = PackedPackages.TargetFolders(packages.PackagePath(id), root);

        Assert.Equal(frameworks.Order(StringComparer.Ordinal), folders);
        string otherRoot = root == "lib" ? "tools" : "lib";
        Assert.Empty(PackedPackages.TargetFolders(packages.PackagePath(id), otherRoot));
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void Each_package_has_its_own_readme_and_names_the_repository_commit(string id, string root, string[] frameworks)
    {
        _ = root;
        _ = frameworks;
        using ZipArchive archive = ZipFile.OpenRead(packages.PackagePath(id));

        XElement metadata = ReadNuspec(archive).Elements().Single(e => e.Name.LocalName == "metadata");
        Assert.Equal("README.md", metadata.Elements().Single(e => e.Name.LocalName == "readme").Value);
        XElement repository = metadata.Elements().Single(e => e.Name.LocalName == "repository");
        Assert.Equal("https://github.com/ssecodec/ssecodec", (string?)repository.Attribute("url"));
        Assert.Matches("^[0-9a-f]{40}$", (string?)repository.Attribute("commit") ?? "");

        // The package's own README, not the repository's: it starts with the package's name and links nowhere relative.
        string readme;
        using (var reader = new StreamReader(archive.GetEntry("README.md")!.Open()))
        {
            readme = reader.ReadToEnd();
        }

        Assert.StartsWith($"# {id}", readme, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\]\((?!https://)", readme);
        Assert.Contains(id == "SseCodec.Cli" ? $"dotnet tool install --global {id}" : $"dotnet add package {id}", readme, StringComparison.Ordinal);
    }

    private static XElement ReadNuspec(ZipArchive archive)
    {
        ZipArchiveEntry nuspec = archive.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal) && !e.FullName.Contains('/', StringComparison.Ordinal));
        using Stream stream = nuspec.Open();
        return XDocument.Load(stream).Root!;
    }
}

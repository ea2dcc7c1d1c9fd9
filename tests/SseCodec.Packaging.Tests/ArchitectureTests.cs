using System.Xml.Linq;

namespace SseCodec.Packaging.Tests;

/// <summary>
/// The layering of ARCHITECTURE.md, read from the project files: each library references only what its layer allows,
/// so a reference that would make the codec drag in ASP.NET Core, or the server drag in the client, fails here first.
/// </summary>
public sealed class ArchitectureTests
{
    // Direct project references each src project may have (ARCHITECTURE.md, "What each project may reference").
    private static readonly Dictionary<string, string[]> Allowed = new(StringComparer.Ordinal)
    {
        ["SseCodec"] = [],
        ["SseCodec.Client"] = ["SseCodec"],
        ["SseCodec.Client.Http"] = ["SseCodec.Client", "SseCodec"],
        ["SseCodec.Server"] = ["SseCodec"],
        ["SseCodec.AspNetCore"] = ["SseCodec.Server", "SseCodec"],
        ["SseCodec.Redis"] = ["SseCodec.Server"],
        ["SseCodec.Cli"] = ["SseCodec", "SseCodec.Client", "SseCodec.Server", "SseCodec.AspNetCore", "SseCodec.Redis"],
    };

    private static readonly string SourceFolder = Path.Combine(PackedPackages.ReadMetadata("SseCodecRepositoryRoot"), "src");

    public static TheoryData<string> Projects() => new(ProjectNames());

    private static string[] ProjectNames() =>
        Directory.EnumerateFiles(SourceFolder, "*.csproj", SearchOption.AllDirectories)
            .Select(Path.GetFileNameWithoutExtension)
            .Order(StringComparer.Ordinal)
            .ToArray()!;

    [Fact]
    public void Every_library_in_src_has_a_place_in_the_layering()
    {
        string[] projects = ProjectNames();
        Assert.NotEmpty(projects);
        Assert.All(projects, project => Assert.True(Allowed.ContainsKey(project), $"{project} is not in ARCHITECTURE.md's table (and this test's copy of it)."));
    }

    [Theory]
    [MemberData(nameof(Projects))]
    public void A_library_references_only_the_layers_below_it(string project)
    {
        string path = Path.Combine(SourceFolder, project, project + ".csproj");
        string[] references = XDocument.Load(path)
            .Descendants("ProjectReference")
            .Select(reference => Path.GetFileNameWithoutExtension((string)reference.Attribute("Include")!))
            .ToArray();

        Assert.True(Allowed.TryGetValue(project, out string[]? allowed), $"{project} is not in the layering table.");
        Assert.All(references, reference => Assert.Contains(reference, allowed!));
    }
}

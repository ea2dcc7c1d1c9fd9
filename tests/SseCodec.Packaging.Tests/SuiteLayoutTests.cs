using System.Xml.Linq;

namespace SseCodec.Packaging.Tests;

/// <summary>
/// Tests mirror src (ARCHITECTURE.md): each suite references the library it tests and the shared helpers
/// (tests/SseCodec.Testing), and compiles no other suite's files, so a suite cannot quietly come to test, or lean on,
/// a library that is not its own. Read from the project files.
/// </summary>
public sealed class SuiteLayoutTests
{
    private const string Helpers = "SseCodec.Testing";

    // The netstandard2.0 suites compile the sources of the suites they run again; nothing else does.
    private static readonly Dictionary<string, string[]> Recompiled = new(StringComparer.Ordinal)
    {
        ["SseCodec.Tests.NetStandard"] = ["SseCodec.Tests"],
        ["SseCodec.Client.Tests.NetStandard"] = ["SseCodec.Client.Tests", "SseCodec.Client.Http.Tests"],
    };

    private static readonly string TestsFolder = Path.Combine(PackedPackages.ReadMetadata("SseCodecRepositoryRoot"), "tests");

    public static TheoryData<string> Suites() => new(
        Directory.EnumerateFiles(TestsFolder, "*.Tests.csproj", SearchOption.AllDirectories)
            .Select(Path.GetFileNameWithoutExtension)
            .Where(suite => suite != "SseCodec.Packaging.Tests")
            .Order(StringComparer.Ordinal)
            .ToArray()!);

    [Fact]
    public void Every_library_in_src_has_a_suite_of_its_own()
    {
        string[] libraries = Directory.EnumerateFiles(Path.Combine(TestsFolder, "../src"), "*.csproj", SearchOption.AllDirectories)
            .Select(path => Path.GetFileNameWithoutExtension(path)!)
            .ToArray();

        Assert.NotEmpty(libraries);
        Assert.All(libraries, library => Assert.True(File.Exists(SuiteProject(library + ".Tests")), $"{library} has no tests/{library}.Tests."));
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void A_suite_references_its_library_and_the_shared_helpers_only(string suite)
    {
        string library = suite[..^".Tests".Length];
        XDocument project = XDocument.Load(SuiteProject(suite));

        // A reference that only orders the build (the Cli suite's spawned load test) gives the suite no types.
        string[] references = project.Descendants("ProjectReference")
            .Where(reference => (string?)reference.Attribute("ReferenceOutputAssembly") != "false")
            .Select(reference => Path.GetFileNameWithoutExtension((string)reference.Attribute("Include")!))
            .Order(StringComparer.Ordinal)
            .ToArray();

        Assert.Equal(new[] { library, Helpers }.Order(StringComparer.Ordinal), references);
        Assert.Empty(LinkedFolders(project));
    }

    [Theory]
    [InlineData("SseCodec.Tests.NetStandard")]
    [InlineData("SseCodec.Client.Tests.NetStandard")]
    public void A_netstandard_suite_compiles_the_suites_it_runs_the_oracles_and_the_helpers_only(string suite)
    {
        string[] allowed = [.. Recompiled[suite], "SseCodec.Reference", Helpers];

        Assert.All(LinkedFolders(XDocument.Load(SuiteProject(suite))), folder => Assert.Contains(folder, allowed));
    }

    private static string SuiteProject(string suite) => Path.Combine(TestsFolder, suite, suite + ".csproj");

    /// <summary>The folders under tests/ whose files a project compiles in (Compile items that reach outside it).</summary>
    private static string[] LinkedFolders(XDocument project) =>
        project.Descendants("Compile")
            .SelectMany(item => ((string?)item.Attribute("Include") ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries))
            .Where(path => path.StartsWith("../", StringComparison.Ordinal))
            .Select(path => path.Split('/')[1])
            .Distinct(StringComparer.Ordinal)
            .ToArray();
}

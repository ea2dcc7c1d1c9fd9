using System.Xml.Linq;

namespace SseCodec.Packaging.Tests;

/// <summary>
/// The packaging tests pack without building (dotnet pack --no-build) while dotnet test may still be building other
/// projects of the solution, so every packed project must be built before this suite runs: this project lists each one
/// as a PackedProject (a reference that only orders the build). A package left off that list is packed only if its
/// build happens to finish first, which once failed a CI run.
/// </summary>
public sealed class PackOrderTests
{
    [Fact]
    public void Every_packed_project_is_built_before_the_packaging_tests_run()
    {
        string root = PackedPackages.ReadMetadata("SseCodecRepositoryRoot");
        XDocument project = XDocument.Load(Path.Combine(root, "tests", "SseCodec.Packaging.Tests", "SseCodec.Packaging.Tests.csproj"));
        string[] ordered = project.Descendants("PackedProject")
            .Select(item => Path.GetFileNameWithoutExtension((string)item.Attribute("Include")!))
            .Order(StringComparer.Ordinal)
            .ToArray();

        Assert.Equal(PackedPackages.PackageIds.Order(StringComparer.Ordinal), ordered);
    }
}

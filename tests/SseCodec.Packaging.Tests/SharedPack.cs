namespace SseCodec.Packaging.Tests;

/// <summary>The tests that share one pack per run.</summary>
[CollectionDefinition(Name)]
public sealed class SharedPack : ICollectionFixture<PackedPackages>
{
    public const string Name = "Packed packages";
}

namespace SseCodec.Packaging.Tests;

/// <summary>
/// Projects a user would write (tests/consumers), restored from the packed packages and the usual feeds, built, and on
/// .NET 8 run: what an SDK on those targets gets from the packages, not from project references.
/// </summary>
[Collection(SharedPack.Name)]
public sealed class ConsumerTests(PackedPackages packages)
{
    [Fact]
    public async Task A_netstandard20_library_builds_against_the_packages()
    {
        DotNetProcess.Result build = await packages.BuildConsumerAsync("NetStandardConsumer");

        Assert.True(build.ExitCode == 0, build.Output);
        Assert.True(File.Exists(Path.Combine(packages.WorkFolder, "consumers", "NetStandardConsumer", "bin", "Release", "netstandard2.0", "NetStandardConsumer.dll")));
    }

    [Fact]
    public async Task A_net80_application_builds_against_the_packages_and_parses_encodes_and_streams_on_net80()
    {
        DotNetProcess.Result build = await packages.BuildConsumerAsync("Net8Consumer");
        Assert.True(build.ExitCode == 0, build.Output);

        string folder = Path.Combine(packages.WorkFolder, "consumers", "Net8Consumer", "bin", "Release", "net8.0", "linux-x64");
        DotNetProcess.Result run = await DotNetProcess.RunAsync(Path.Combine(folder, "Net8Consumer"), folder, PackedPackages.CommandLimit);

        Assert.True(run.ExitCode == 0, run.Output);
        string[] expected =
        [
            "runtime 8",
            "parse greeting hello 1 35",
            @"encode event: update\nid: 42\ndata: a\ndata: b\n\n",
            "client tick:event 1:1 tick:event 2:2 tick:event 3:3",
            "server SourceCompleted",
        ];
        Assert.Equal(expected, run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.TrimEnd('\r')));
    }
}

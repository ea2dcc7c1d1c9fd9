namespace SseCodec.TestRuntimes;

/// <summary>
/// Each suite runs on the runtime it was built for (tests/TestRuntimes.props), not on a newer one it rolled forward to:
/// the net8.0 and net9.0 runs are self-contained, and this proves the runtime they brought is the one that ran.
/// </summary>
public sealed class RuntimeTests
{
    [Fact]
    public void The_suite_runs_on_the_runtime_it_was_built_for()
    {
#if NET10_0
        const int BuiltFor = 10;
#elif NET9_0
        const int BuiltFor = 9;
#elif NET8_0
        const int BuiltFor = 8;
#endif
        Assert.Equal(BuiltFor, Environment.Version.Major);
    }
}

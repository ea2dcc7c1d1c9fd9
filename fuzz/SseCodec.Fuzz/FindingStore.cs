using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using SseCodec.Reference.Oracles;

namespace SseCodec.Fuzz;

/// <summary>
/// Writes minimized findings into the findings folder: <c>ORACLE-HASH.sse</c> (the failing bytes) or
/// <c>ORACLE-HASH.ops</c> (a failing encoder script), with <c>ORACLE-HASH.txt</c> beside it: the oracle, its message,
/// the seed and execution that found it, and how to reproduce it. A fixed finding's input file is moved to
/// <c>fuzz/corpus/regressions/</c>, which a test replays.
/// </summary>
internal sealed class FindingStore(string directory)
{
    public string Directory => directory;

    public string Write(OracleFailure failure, byte[]? bytes, string? script, int runSeed, long execution, int checkSeed, int originalSize, int minimizedSize)
    {
        System.IO.Directory.CreateDirectory(directory);
        byte[] content = bytes ?? Encoding.UTF8.GetBytes(script!);
        string hash = Convert.ToHexStringLower(SHA256.HashData(content))[..12];
        string name = $"{failure.Oracle}-{hash}";
        string inputPath = Path.Combine(directory, name + (bytes is null ? ".ops" : ".sse"));
        File.WriteAllBytes(inputPath, content);
        string shown = Path.GetRelativePath(System.IO.Directory.GetCurrentDirectory(), inputPath);
        string report = string.Create(CultureInfo.InvariantCulture, $"""
            oracle: {failure.Oracle}
            run seed: {runSeed}
            execution: {execution}
            oracle seed: {checkSeed}
            size: {originalSize} -> {minimizedSize} {(bytes is null ? "encoder calls" : "bytes")} after minimization
            input: {(bytes is null ? "(encoder script, see the .ops file)" : InputText.Describe(bytes, 2000))}
            reproduce: dotnet run --project fuzz/SseCodec.Fuzz -c Release -- --replay {shown}
                  or:  dotnet run --project fuzz/SseCodec.Fuzz -c Release -- --seed {runSeed} --from {execution} --iterations 1

            {failure.Message}

            """);
        File.WriteAllText(Path.Combine(directory, name + ".txt"), report);
        return inputPath;
    }
}

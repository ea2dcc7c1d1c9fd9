using SharpFuzz;
using SseCodec.AflFuzz;
using SseCodec.Reference.Oracles;

// The coverage-guided target: see fuzz/README.md, "Coverage-guided fuzzing with AFL".
//   SseCodec.AflFuzz                     under afl-fuzz: SharpFuzz's fork server runs the target on each input
//   SseCodec.AflFuzz --replay PATH...    without afl-fuzz: checks files (or every file in folders), exit 1 on a failure
//   SseCodec.AflFuzz --export FILE DIR   writes a failing input's decoder stream as DIR/ORACLE-HASH.sse and its .txt
//                                        (with the oracle seed), the form of fuzz/corpus/regressions
if (args.Length > 0 && args[0] == "--replay")
{
    return Replay(args[1..]);
}

if (args.Length == 3 && args[0] == "--export")
{
    return Export(args[1], args[2]);
}

if (args.Length > 0)
{
    Console.Error.WriteLine("usage: SseCodec.AflFuzz [--replay FILE_OR_FOLDER... | --export FILE DIR]   (input on stdin under afl-fuzz)");
    return 2;
}

Fuzzer.Run(stream =>
{
    using var buffer = new MemoryStream();
    stream.CopyTo(buffer);
    if (AflTarget.Check(buffer.ToArray()) is OracleFailure failure)
    {
        throw new OracleViolationException(failure.ToString());
    }
});
return 0;

static int Replay(string[] paths)
{
    var files = paths.SelectMany<string, string>(p => Directory.Exists(p)
            ? Directory.EnumerateFiles(p).Where(f => !Path.GetFileName(f).StartsWith("README", StringComparison.Ordinal)).Order(StringComparer.Ordinal)
            : [p])
        .ToList();
    int failures = 0;
    foreach (string file in files)
    {
        OracleFailure? failure = AflTarget.Check(File.ReadAllBytes(file));
        if (failure is not null)
        {
            failures++;
            Console.WriteLine($"FAIL {file}\n{failure}\n");
        }
    }

    Console.WriteLine($"replay: {files.Count} inputs, {failures} failing");
    return failures == 0 ? 0 : 1;
}

static int Export(string file, string directory)
{
    byte[] input = File.ReadAllBytes(file);
    if (AflTarget.Check(input) is not OracleFailure failure)
    {
        Console.WriteLine($"{file}: every oracle holds; nothing to export");
        return 1;
    }

    (byte[] stream, int seed) = AflTarget.DecoderInput(input);
    string hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream))[..12];
    string name = Path.Combine(directory, $"{failure.Oracle}-{hash}");
    Directory.CreateDirectory(directory);
    File.WriteAllBytes(name + ".sse", stream);
    File.WriteAllText(name + ".txt",
        $"oracle: {failure.Oracle}\nfound by: afl-fuzz (fuzz/afl/run.sh), input {Path.GetFileName(file)}\n" +
        $"oracle seed: {seed}\nsize: {input.Length} bytes of AFL input -> {stream.Length} bytes of stream\n" +
        $"reproduce: dotnet run --project fuzz/SseCodec.Fuzz -c Release -- --replay {name}.sse\n\n{failure.Message}\n");
    Console.WriteLine($"{failure.Oracle}: wrote {name}.sse and {name}.txt");
    return 0;
}

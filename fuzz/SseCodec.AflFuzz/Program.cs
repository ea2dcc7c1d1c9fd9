using SharpFuzz;
using SseCodec.AflFuzz;
using SseCodec.Reference.Oracles;

// The coverage-guided target: see fuzz/README.md, "Coverage-guided fuzzing with AFL".
//   SseCodec.AflFuzz                     under afl-fuzz: SharpFuzz's fork server runs the target on each input
//   SseCodec.AflFuzz --replay PATH...    without afl-fuzz: checks files (or every file in folders), exit 1 on a failure
if (args.Length > 0 && args[0] == "--replay")
{
    return Replay(args[1..]);
}

if (args.Length > 0)
{
    Console.Error.WriteLine("usage: SseCodec.AflFuzz [--replay FILE_OR_FOLDER...]   (input on stdin under afl-fuzz)");
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

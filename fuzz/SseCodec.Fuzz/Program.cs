using System.Diagnostics;
using System.Globalization;
using SseCodec.Fuzz;
using SseCodec.Reference.Oracles;

// The differential fuzzer: see fuzz/README.md.
FuzzOptions options;
try
{
    options = FuzzOptions.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
{
    if (e.Message.Length > 0)
    {
        Console.Error.WriteLine(e.Message);
    }

    Console.Error.WriteLine(FuzzOptions.Usage);
    return 2;
}

if (options.Replay.Count > 0)
{
    return Replay(options.Replay);
}

string root = FuzzLayout.FindRepositoryRoot();
string corpusDirectory = options.Corpus ?? FuzzLayout.CorpusDirectory(root);
var store = new FindingStore(options.Findings ?? FuzzLayout.FindingsDirectory(root));

// The seed corpus and the regression corpus, in a fixed order, so that a seed replays the same mutations.
// Encoder scripts in the corpus contribute their encoded bytes.
var corpus = new List<byte[]>();
foreach (string file in FuzzLayout.InputFiles(corpusDirectory).Concat(FuzzLayout.InputFiles(Path.Combine(corpusDirectory, "regressions"))))
{
    if (file.EndsWith(".ops", StringComparison.Ordinal))
    {
        EncoderOracle.Check(EncoderScript.Parse(File.ReadAllText(file)), out byte[] encoded);
        corpus.Add(encoded);
    }
    else
    {
        corpus.Add(File.ReadAllBytes(file));
    }
}

if (corpus.Count == 0)
{
    corpus.Add("data: x\n\n"u8.ToArray());
}

var mutator = new Mutator(corpus);
string limit = options.Iterations is long n ? "iterations=" + n.ToString(CultureInfo.InvariantCulture) : "";
limit += options.Seconds is double s ? " seconds=" + s.ToString(CultureInfo.InvariantCulture) : "";
Console.WriteLine($"fuzz: seed={options.Seed} corpus={corpus.Count} inputs from {corpusDirectory} {limit.Trim()}");

var clock = Stopwatch.StartNew();
TimeSpan nextProgress = TimeSpan.FromSeconds(10);
long executions = 0;
int findings = 0;
var sources = new long[3];
ulong digest = 14695981039346656037; // FNV-1a over every input, so two runs can be shown to be the same run
for (long index = options.From; ; index++)
{
    if ((options.Iterations is long max && index - options.From >= max) || (options.Seconds is double seconds && clock.Elapsed.TotalSeconds >= seconds))
    {
        break;
    }

    int executionSeed = Seeds.ForExecution(options.Seed, index);
    var random = new Random(executionSeed);
    int checkSeed = random.Next();
    int source = random.Next(10);
    OracleFailure? failure;
    byte[]? input = null;
    List<EncoderOp>? script = null;
    if (source < 4)
    {
        sources[0]++;
        input = StructuredGenerator.Generate(random);
        failure = OracleSuite.Check(input, checkSeed);
    }
    else if (source < 8)
    {
        sources[1]++;
        input = random.Next(4) == 0 ? mutator.Mutate(random, StructuredGenerator.Generate(random)) : mutator.Mutate(random);
        failure = OracleSuite.Check(input, checkSeed);
    }
    else
    {
        sources[2]++;
        script = EncoderScriptGenerator.Generate(random);
        failure = OracleSuite.Check(script, checkSeed);
    }

    executions++;
    foreach (byte b in input ?? Encode(script!))
    {
        digest = (digest ^ b) * 1099511628211;
    }

    if (failure is not null)
    {
        findings++;
        Console.WriteLine($"finding #{findings} at execution {index}: [{failure.Oracle}] {FirstLine(failure.Message)}");
        if (findings <= options.MaxFindings)
        {
            string oracle = failure.Oracle;
            string path;
            if (script is not null && oracle == OracleNames.Encoder)
            {
                IReadOnlyList<EncoderOp> small = Minimizer.Minimize(script, s => OracleSuite.Check([.. s], checkSeed, oracle) is not null);
                OracleFailure final = OracleSuite.Check([.. small], checkSeed, oracle) ?? failure;
                path = store.Write(final, null, EncoderScript.Format(small), options.Seed, index, checkSeed, script.Count, small.Count);
            }
            else
            {
                input ??= Encode(script!);
                IReadOnlyList<byte> small = Minimizer.Minimize(input, b => OracleSuite.Check([.. b], checkSeed, oracle) is not null);
                byte[] smallBytes = [.. small];
                OracleFailure final = OracleSuite.Check(smallBytes, checkSeed, oracle) ?? failure;
                path = store.Write(final, smallBytes, null, options.Seed, index, checkSeed, input.Length, smallBytes.Length);
            }

            Console.WriteLine($"  minimized and written to {path}");
        }
    }

    if (clock.Elapsed >= nextProgress)
    {
        nextProgress += TimeSpan.FromSeconds(10);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  [{clock.Elapsed.TotalSeconds:F0}s] executions={executions} exec/s={executions / clock.Elapsed.TotalSeconds:F0} findings={findings}"));
    }
}

double elapsed = clock.Elapsed.TotalSeconds;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"fuzz summary: seed={options.Seed} executions={executions} exec/s={executions / Math.Max(elapsed, 1e-9):F0} findings={findings} seconds={elapsed:F1} (generated={sources[0]} mutated={sources[1]} encoded={sources[2]} inputs digest={digest:x16})"));
return findings == 0 ? 0 : 1;

static int Replay(IReadOnlyList<string> files)
{
    int failed = 0;
    foreach (string file in files)
    {
        foreach (int seed in FuzzLayout.ReplaySeeds(file))
        {
            OracleFailure? failure = OracleSuite.CheckFile(file, seed);
            if (failure is not null)
            {
                failed++;
                Console.WriteLine($"FAIL {file} (oracle seed {seed}): {failure}");
                break;
            }
        }
    }

    Console.WriteLine($"replayed {files.Count} files, {failed} failed");
    return failed == 0 ? 0 : 1;
}

static byte[] Encode(List<EncoderOp> script)
{
    EncoderOracle.Check(script, out byte[] encoded);
    return encoded;
}

static string FirstLine(string text)
{
    int end = text.IndexOf('\n', StringComparison.Ordinal);
    return end < 0 ? text : text[..end];
}

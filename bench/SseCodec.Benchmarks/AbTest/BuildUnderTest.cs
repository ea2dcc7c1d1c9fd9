using System.Buffers;
using System.IO.Pipelines;
using System.Reflection;
using System.Runtime.Loader;

namespace SseCodec.Benchmarks.AbTest;

/// <summary>
/// One build of this benchmark project and the SseCodec it was built with, loaded into a load context of its own, so
/// that two builds run side by side in one process. Only framework types cross between the contexts: each workload is
/// bound to a delegate over them.
/// </summary>
public sealed class BuildUnderTest
{
    private delegate long SpanLoop(ReadOnlySpan<byte> input);

    private readonly Assembly _benchmarks;
    private object? _encoderBenchmarks;

    public BuildUnderTest(string directory)
    {
        Directory = directory;
        var context = new BuildLoadContext(directory);
        // SseCodec.Benchmarks.dll, or SseCodec.Benchmarks.Net8.dll for the .NET 8 build of the same sources.
        string benchmarks = BenchmarkAssemblyNames.Select(name => Path.Combine(directory, name)).FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException($"{directory} holds no build of the benchmarks ({string.Join(" or ", BenchmarkAssemblyNames)})");
        _benchmarks = context.LoadFromAssemblyPath(benchmarks);
        string loaded = _benchmarks.GetReferencedAssemblies()
            .Where(name => name.Name == "SseCodec")
            .Select(name => context.LoadFromAssemblyName(name).Location)
            .Single();
        if (!string.Equals(Path.GetDirectoryName(loaded), Path.GetFullPath(directory).TrimEnd(Path.DirectorySeparatorChar), StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The build at {directory} resolved SseCodec from {loaded}: it would measure another build's code.");
        }
    }

    public string Directory { get; }

    private static readonly string[] BenchmarkAssemblyNames = ["SseCodec.Benchmarks.dll", "SseCodec.Benchmarks.Net8.dll"];

    /// <summary>The workload as one call: 10,000 events read, or one encoder benchmark invocation.</summary>
    public Action Bind(string workload)
    {
        string[] parts = workload.Split('/');
        return parts switch
        {
            ["encoder", string method] => Encoder(method),
            ["read", string loop, string shape] => Read(loop, shape),
            _ => throw new ArgumentException($"unknown workload '{workload}': encoder/METHOD or read/LOOP/SHAPE"),
        };
    }

    /// <summary>How many events one call of the workload handles.</summary>
    public static int EventsPerCall(string workload) =>
        workload.StartsWith("encoder/", StringComparison.Ordinal) ? EncoderBenchmarks.Events
        : workload.EndsWith("/" + LargeLineShape, StringComparison.Ordinal) ? LargeLineEntryBenchmarks.Events
        : Inputs.SmallEventCount;

    /// <summary>The shape name of <see cref="LargeLineEntryBenchmarks"/>' input: 4 events of one 1 MiB data line each.</summary>
    public const string LargeLineShape = "Large1MiB";

    private Action Encoder(string method)
    {
        Type type = Type("SseCodec.Benchmarks.EncoderBenchmarks");
        if (_encoderBenchmarks is null)
        {
            _encoderBenchmarks = Activator.CreateInstance(type)!;
            type.GetMethod("Setup")!.Invoke(_encoderBenchmarks, null);
        }

        MethodInfo benchmark = type.GetMethod(method) ?? throw new ArgumentException($"EncoderBenchmarks has no {method}");
        if (benchmark.ReturnType == typeof(void))
        {
            return benchmark.CreateDelegate<Action>(_encoderBenchmarks);
        }

        Func<Task> asynchronous = benchmark.CreateDelegate<Func<Task>>(_encoderBenchmarks);
        return () => asynchronous().GetAwaiter().GetResult();
    }

    private Action Read(string loop, string shape)
    {
        // The input is made by this build's own Inputs, so a change to the inputs shows as a different checksum.
        Type inputs = Type("SseCodec.Benchmarks.Inputs");
        byte[] bytes = shape == LargeLineShape
            ? (byte[])inputs.GetMethod("LargeLines")!.Invoke(null, [LargeLineEntryBenchmarks.DataLength, LargeLineEntryBenchmarks.Events])!
            : (byte[])inputs.GetMethod("Stream")!.Invoke(null, [Enum.Parse(Type("SseCodec.Benchmarks.Shape"), shape), Inputs.SmallEventCount])!;
        var stream = new MemoryStream(bytes, writable: false);
        Type entryPoints = Type("SseCodec.Benchmarks.EntryPoints");
        MethodInfo Loop(string name) => entryPoints.GetMethod(name) ?? throw new ArgumentException($"EntryPoints has no {name}");

        switch (loop)
        {
            case "DecoderSpan":
                SpanLoop span = Loop("DecoderSpan").CreateDelegate<SpanLoop>();
                return () => span(bytes);
            case "DecoderMemory":
                var memory = Loop("DecoderMemory").CreateDelegate<Func<ReadOnlyMemory<byte>, long>>();
                return () => memory(bytes);
            case "DecoderSequence":
                var sequence = Loop("DecoderSequence").CreateDelegate<Func<ReadOnlySequence<byte>, long>>();
                var input = new ReadOnlySequence<byte>(bytes);
                return () => sequence(input);
            case "ReaderStream":
                var reader = Loop("ReaderStream").CreateDelegate<Func<Stream, ValueTask<long>>>();
                return () =>
                {
                    stream.Position = 0;
                    Finish(reader(stream));
                };
            case "ReaderPipe4k":
            case "ReaderPipe64k":
                var pipeReader = Loop("ReaderPipe").CreateDelegate<Func<PipeReader, ValueTask<long>>>();
                int bufferSize = loop == "ReaderPipe4k" ? 4096 : 65536;
                return () =>
                {
                    stream.Position = 0;
                    Finish(pipeReader(PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: bufferSize, leaveOpen: true))));
                };
            default:
                throw new ArgumentException($"unknown loop '{loop}': DecoderSpan, DecoderMemory, DecoderSequence, ReaderStream, ReaderPipe4k, ReaderPipe64k");
        }
    }

    /// <summary>Waits for a loop, which over a <see cref="MemoryStream"/> has completed already.</summary>
    private static void Finish(ValueTask<long> loop)
    {
        if (!loop.IsCompletedSuccessfully)
        {
            loop.AsTask().GetAwaiter().GetResult();
        }
    }

    private Type Type(string name) => _benchmarks.GetType(name) ?? throw new InvalidOperationException($"{Directory} has no {name}");

    /// <summary>
    /// Loads this repository's assemblies (SseCodec and the benchmarks) from the build's folder, and every other from the
    /// default context. (Resolving from the folder only when the default context fails is not enough: the process running
    /// the comparison is itself one of the builds, so its default context already holds that build's SseCodec, and both
    /// builds would run it. Loading everything from the folder is too much: a self-contained .NET 8 build's folder holds
    /// the framework too, and framework types must be the same in both builds to cross between them.)
    /// </summary>
    private sealed class BuildLoadContext(string directory) : AssemblyLoadContext($"build at {directory}")
    {
        protected override Assembly? Load(AssemblyName assemblyName)
        {
            if (assemblyName.Name is not { } name || !name.StartsWith("SseCodec", StringComparison.Ordinal))
            {
                return null;
            }

            string path = Path.Combine(directory, name + ".dll");
            return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
        }
    }
}

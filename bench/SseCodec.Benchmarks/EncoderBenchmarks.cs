using System.Buffers;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace SseCodec.Benchmarks;

public sealed record Quote(string Symbol, decimal Price, long Volume, string Note);

[JsonSerializable(typeof(Quote))]
public partial class BenchJsonContext : JsonSerializerContext;

/// <summary>
/// SseEncoder against System.Net.ServerSentEvents.SseFormatter writing the same events into the same kind of sink:
/// a reused MemoryStream. Each invocation writes <see cref="Events"/> events; results are per event.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class EncoderBenchmarks
{
    private const int Events = 1000;

    private readonly MemoryStream _stream = new(1 << 20);
    private readonly ArrayBufferWriter<byte> _buffer = new(1 << 20);
    private SseItem<string>[] _dataOnly = [];
    private SseItem<string>[] _typed = [];
    private SseItem<string>[] _multiLine = [];
    private SseItem<Quote>[] _quotes = [];
    private Utf8JsonWriter? _json;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        string Json(int i) => $"{{\"user\":\"user{i % 97}\",\"text\":\"message number {i} of the benchmark run\",\"n\":{random.Next()}}}".PadRight(100);
        _dataOnly = Enumerable.Range(0, Events).Select(i => new SseItem<string>(Json(i))).ToArray();
        _typed = Enumerable.Range(0, Events).Select(i => new SseItem<string>(Json(i), i % 2 == 0 ? "update" : "insert") { EventId = i.ToString() }).ToArray();
        _multiLine = Enumerable.Range(0, Events).Select(i => new SseItem<string>($"line one of {i}\nline two: {Json(i)}\r\nline three\n")).ToArray();
        _quotes = Enumerable.Range(0, Events).Select(i => new SseItem<Quote>(new Quote($"SYM{i % 50}", i * 1.25m, i * 1000L, "note"), "quote")).ToArray();

        // Both sides must write the same events: parse what each wrote and compare.
        Same("DataOnly", () => SseFormatter_DataOnly().GetAwaiter().GetResult(), SseEncoder_DataOnly);
        Same("TypeIdData", () => SseFormatter_TypeIdData().GetAwaiter().GetResult(), SseEncoder_TypeIdData);
        Same("MultiLine", () => SseFormatter_MultiLine().GetAwaiter().GetResult(), SseEncoder_MultiLine);
        Same("Json", () => SseFormatter_Json().GetAwaiter().GetResult(), SseEncoder_Json);
    }

    private void Same(string scenario, Action formatter, Action encoder)
    {
        formatter();
        List<string> expected = Parse(_stream.GetBuffer().AsSpan(0, (int)_stream.Position));
        encoder();
        List<string> actual = Parse(_stream.GetBuffer().AsSpan(0, (int)_stream.Position));
        if (expected.Count != Events || !expected.SequenceEqual(actual))
        {
            throw new InvalidOperationException($"{scenario}: SseFormatter wrote {expected.Count} events, SseEncoder {actual.Count}, or they differ.");
        }
    }

    private static List<string> Parse(ReadOnlySpan<byte> bytes)
    {
        var events = new List<string>();
        using var decoder = new SseDecoder();
        while (decoder.TryReadEvent(bytes, out int consumed, out SseEvent e))
        {
            bytes = bytes.Slice(consumed);
            events.Add($"{e.EventType}|{e.LastEventId}|{e.GetDataString()}");
        }

        return events;
    }

    [BenchmarkCategory("DataOnly"), Benchmark(Baseline = true, OperationsPerInvoke = Events)]
    public Task SseFormatter_DataOnly() => Formatter(_dataOnly);

    [BenchmarkCategory("DataOnly"), Benchmark(OperationsPerInvoke = Events)]
    public void SseEncoder_DataOnly()
    {
        _buffer.ResetWrittenCount();
        foreach (SseItem<string> item in _dataOnly)
        {
            SseEncoder.WriteEvent(_buffer, item.Data);
        }

        Flush();
    }

    [BenchmarkCategory("TypeIdData"), Benchmark(Baseline = true, OperationsPerInvoke = Events)]
    public Task SseFormatter_TypeIdData() => Formatter(_typed);

    [BenchmarkCategory("TypeIdData"), Benchmark(OperationsPerInvoke = Events)]
    public void SseEncoder_TypeIdData()
    {
        _buffer.ResetWrittenCount();
        foreach (SseItem<string> item in _typed)
        {
            SseEncoder.WriteEvent(_buffer, item.Data, item.EventType, item.EventId);
        }

        Flush();
    }

    [BenchmarkCategory("MultiLine"), Benchmark(Baseline = true, OperationsPerInvoke = Events)]
    public Task SseFormatter_MultiLine() => Formatter(_multiLine);

    [BenchmarkCategory("MultiLine"), Benchmark(OperationsPerInvoke = Events)]
    public void SseEncoder_MultiLine()
    {
        _buffer.ResetWrittenCount();
        foreach (SseItem<string> item in _multiLine)
        {
            SseEncoder.WriteEvent(_buffer, item.Data);
        }

        Flush();
    }

    [BenchmarkCategory("Json"), Benchmark(Baseline = true, OperationsPerInvoke = Events)]
    public async Task SseFormatter_Json()
    {
        _stream.Position = 0;
        await SseFormatter.WriteAsync(Enumerate(_quotes), _stream, (item, writer) =>
        {
            // A reused Utf8JsonWriter, so the baseline does not pay for one per event.
            Utf8JsonWriter json = _json ??= new Utf8JsonWriter(writer);
            json.Reset(writer);
            JsonSerializer.Serialize(json, item.Data, BenchJsonContext.Default.Quote);
            json.Flush();
        });
    }

    [BenchmarkCategory("Json"), Benchmark(OperationsPerInvoke = Events)]
    public void SseEncoder_Json()
    {
        _buffer.ResetWrittenCount();
        foreach (SseItem<Quote> item in _quotes)
        {
            SseEncoder.WriteEventJson(_buffer, item.Data, BenchJsonContext.Default.Quote, item.EventType);
        }

        Flush();
    }

    private async Task Formatter(SseItem<string>[] items)
    {
        _stream.Position = 0;
        await SseFormatter.WriteAsync(Enumerate(items), _stream);
    }

    private void Flush()
    {
        _stream.Position = 0;
        _stream.Write(_buffer.WrittenSpan);
    }

    private static async IAsyncEnumerable<SseItem<T>> Enumerate<T>(SseItem<T>[] items, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (SseItem<T> item in items)
        {
            yield return item;
        }

        await Task.CompletedTask;
    }
}

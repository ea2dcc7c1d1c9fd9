using System.Buffers;
using System.IO.Pipelines;
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
/// SseEncoder and SseWriter against System.Net.ServerSentEvents.SseFormatter, writing the same events: data only
/// (~100 chars), typed (event, id and data), ten-line data, and a JSON value. Each invocation writes
/// <see cref="Events"/> events; results are per event.
/// </summary>
/// <remarks>
/// <para>
/// <b>Buffer</b>: SseEncoder into an <see cref="ArrayBufferWriter{T}"/>. SseFormatter writes only to a Stream, so it
/// writes into a reused MemoryStream, its nearest equivalent (it formats into a pooled buffer, then copies). For
/// JSON, the floor is the serializer alone: JsonSerializer into a reused Utf8JsonWriter over an ArrayBufferWriter.
/// </para>
/// <para>
/// <b>Pipe</b>: a Pipe whose reader takes everything after each event, as a reader that keeps up would; every event
/// reaches the reader at once. SseFormatter writes through the pipe's stream (a response body's Stream over its
/// PipeWriter), one WriteAsync per event, which flushes the pipe (on .NET 10.0.12 it calls no FlushAsync of its own);
/// SseCodec through <see cref="SseWriter"/> (per-item flush) and through SseEncoder and FlushAsync.
/// <b>Stream</b>: both onto Stream.Null, SseCodec through <see cref="SseWriter"/> over the stream.
/// </para>
/// </remarks>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class EncoderBenchmarks
{
    public const int Events = 1000;

    private readonly MemoryStream _stream = new(1 << 20);
    private readonly ArrayBufferWriter<byte> _buffer = new(1 << 20);
    private SseItem<string>[] _dataOnly = [];
    private byte[][] _dataOnlyUtf8 = [];
    private SseItem<string>[] _typed = [];
    private SseItem<string>[] _tenLines = [];
    private SseItem<Quote>[] _quotes = [];
    private Utf8JsonWriter? _formatterJson;
    private Utf8JsonWriter? _serializerJson;

    private Pipe _pipe = null!;
    private Stream _pipeStream = null!;
    private SseWriter _pipeWriter = null!;
    private SseWriter _nullWriter = null!;
    private MemoryStream? _drained;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        string Json(int i) => $"{{\"user\":\"user{i % 97}\",\"text\":\"message number {i} of the benchmark run\",\"n\":{random.Next()}}}".PadRight(100);
        _dataOnly = Enumerable.Range(0, Events).Select(i => new SseItem<string>(Json(i))).ToArray();
        _dataOnlyUtf8 = _dataOnly.Select(item => Encoding.UTF8.GetBytes(item.Data)).ToArray();
        _typed = Enumerable.Range(0, Events).Select(i => new SseItem<string>(Json(i), i % 2 == 0 ? "update" : "insert") { EventId = i.ToString() }).ToArray();
        _tenLines = Enumerable.Range(0, Events)
            .Select(i => new SseItem<string>(string.Join("\n", Enumerable.Range(0, 10).Select(k => $"line {k} of event {i}: {((k * 7) + i) % 1000}"))))
            .ToArray();
        _quotes = Enumerable.Range(0, Events).Select(i => new SseItem<Quote>(new Quote($"SYM{i % 50}", i * 1.25m, i * 1000L, "note"), "quote")).ToArray();

        // A pipe that never makes the writer wait (its reader is drained after every event).
        _pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0, resumeWriterThreshold: 0, readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, useSynchronizationContext: false));
        _pipeStream = new DrainingStream(_pipe.Writer.AsStream(leaveOpen: true), Drain);
        _pipeWriter = new SseWriter(_pipe.Writer, leaveOpen: true);
        _nullWriter = new SseWriter(Stream.Null, leaveOpen: true);

        // Every SseCodec contender must write the events SseFormatter writes: parse what each wrote and compare.
        Same("DataOnly", Formatted(SseFormatter_DataOnly), Written(SseEncoder_DataOnly), Written(SseEncoder_DataOnly_Utf8), Drained(SseWriter_DataOnly_Pipe), Drained(SseEncoder_DataOnly_Pipe), Drained(SseFormatter_DataOnly_Pipe));
        Same("Typed", Formatted(SseFormatter_Typed), Written(SseEncoder_Typed), Drained(SseWriter_Typed_Pipe), Drained(SseEncoder_Typed_Pipe));
        Same("TenLines", Formatted(SseFormatter_TenLines), Written(SseEncoder_TenLines), Drained(SseWriter_TenLines_Pipe), Drained(SseEncoder_TenLines_Pipe));
        Same("Json", Formatted(SseFormatter_Json), Written(SseEncoder_Json), Drained(SseWriter_Json_Pipe));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _pipeWriter.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _nullWriter.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    // Into a buffer: an ArrayBufferWriter for SseCodec, a MemoryStream for SseFormatter.
    [BenchmarkCategory("DataOnly-Buffer"), Benchmark(Baseline = true, OperationsPerInvoke = Events)]
    public Task SseFormatter_DataOnly() => Formatter(_dataOnly, _stream);

    [BenchmarkCategory("DataOnly-Buffer"), Benchmark(OperationsPerInvoke = Events)]
    public void SseEncoder_DataOnly()
    {
        _buffer.ResetWrittenCount();
        foreach (SseItem<string> item in _dataOnly)
        {
            SseEncoder.WriteEvent(_buffer, item.Data);
        }
    }

    [BenchmarkCategory("DataOnly-Buffer"), Benchmark(OperationsPerInvoke = Events)]
    public void SseEncoder_DataOnly_Utf8()
    {
        _buffer.ResetWrittenCount();
        foreach (byte[] data in _dataOnlyUtf8)
        {
            SseEncoder.WriteEvent(_buffer, data);
        }
    }

    [BenchmarkCategory("Typed-Buffer"), Benchmark(Baseline = true, OperationsPerInvoke = Events)]
    public Task SseFormatter_Typed() => Formatter(_typed, _stream);

    [BenchmarkCategory("Typed-Buffer"), Benchmark(OperationsPerInvoke = Events)]
    public void SseEncoder_Typed()
    {
        _buffer.ResetWrittenCount();
        foreach (SseItem<string> item in _typed)
        {
            SseEncoder.WriteEvent(_buffer, item.Data, item.EventType, item.EventId);
        }
    }

    [BenchmarkCategory("TenLines-Buffer"), Benchmark(Baseline = true, OperationsPerInvoke = Events)]
    public Task SseFormatter_TenLines() => Formatter(_tenLines, _stream);

    [BenchmarkCategory("TenLines-Buffer"), Benchmark(OperationsPerInvoke = Events)]
    public void SseEncoder_TenLines()
    {
        _buffer.ResetWrittenCount();
        foreach (SseItem<string> item in _tenLines)
        {
            SseEncoder.WriteEvent(_buffer, item.Data);
        }
    }

    [BenchmarkCategory("Json-Buffer"), Benchmark(Baseline = true, OperationsPerInvoke = Events)]
    public void JsonSerializer_Alone()
    {
        _buffer.ResetWrittenCount();
        Utf8JsonWriter json = _serializerJson ??= new Utf8JsonWriter(_buffer);
        foreach (SseItem<Quote> item in _quotes)
        {
            json.Reset(_buffer);
            JsonSerializer.Serialize(json, item.Data, BenchJsonContext.Default.Quote);
            json.Flush();
        }
    }

    [BenchmarkCategory("Json-Buffer"), Benchmark(OperationsPerInvoke = Events)]
    public Task SseFormatter_Json() => FormatterJson(_stream);

    [BenchmarkCategory("Json-Buffer"), Benchmark(OperationsPerInvoke = Events)]
    public void SseEncoder_Json()
    {
        _buffer.ResetWrittenCount();
        foreach (SseItem<Quote> item in _quotes)
        {
            SseEncoder.WriteEventJson(_buffer, item.Data, BenchJsonContext.Default.Quote, item.EventType);
        }
    }

    // Into a pipe, flushed after every event and drained by its reader.
    [BenchmarkCategory("DataOnly-Pipe"), Benchmark(Baseline = true, OperationsPerInvoke = Events)]
    public Task SseFormatter_DataOnly_Pipe() => Formatter(_dataOnly, _pipeStream);

    [BenchmarkCategory("DataOnly-Pipe"), Benchmark(OperationsPerInvoke = Events)]
    public async Task SseWriter_DataOnly_Pipe()
    {
        foreach (SseItem<string> item in _dataOnly)
        {
            await _pipeWriter.WriteEventAsync(item.Data);
            Drain();
        }
    }

    [BenchmarkCategory("DataOnly-Pipe"), Benchmark(OperationsPerInvoke = Events)]
    public async Task SseEncoder_DataOnly_Pipe()
    {
        foreach (SseItem<string> item in _dataOnly)
        {
            SseEncoder.WriteEvent(_pipe.Writer, item.Data);
            await _pipe.Writer.FlushAsync();
            Drain();
        }
    }

    [BenchmarkCategory("Typed-Pipe"), Benchmark(Baseline = true, OperationsPerInvoke = Events)]
    public Task SseFormatter_Typed_Pipe() => Formatter(_typed, _pipeStream);

    [BenchmarkCategory("Typed-Pipe"), Benchmark(OperationsPerInvoke = Events)]
    public async Task SseWriter_Typed_Pipe()
    {
        foreach (SseItem<string> item in _typed)
        {
            await _pipeWriter.WriteEventAsync(item.Data, item.EventType, item.EventId);
            Drain();
        }
    }

    [BenchmarkCategory("Typed-Pipe"), Benchmark(OperationsPerInvoke = Events)]
    public async Task SseEncoder_Typed_Pipe()
    {
        foreach (SseItem<string> item in _typed)
        {
            SseEncoder.WriteEvent(_pipe.Writer, item.Data, item.EventType, item.EventId);
            await _pipe.Writer.FlushAsync();
            Drain();
        }
    }

    [BenchmarkCategory("TenLines-Pipe"), Benchmark(Baseline = true, OperationsPerInvoke = Events)]
    public Task SseFormatter_TenLines_Pipe() => Formatter(_tenLines, _pipeStream);

    [BenchmarkCategory("TenLines-Pipe"), Benchmark(OperationsPerInvoke = Events)]
    public async Task SseWriter_TenLines_Pipe()
    {
        foreach (SseItem<string> item in _tenLines)
        {
            await _pipeWriter.WriteEventAsync(item.Data);
            Drain();
        }
    }

    [BenchmarkCategory("TenLines-Pipe"), Benchmark(OperationsPerInvoke = Events)]
    public async Task SseEncoder_TenLines_Pipe()
    {
        foreach (SseItem<string> item in _tenLines)
        {
            SseEncoder.WriteEvent(_pipe.Writer, item.Data);
            await _pipe.Writer.FlushAsync();
            Drain();
        }
    }

    [BenchmarkCategory("Json-Pipe"), Benchmark(Baseline = true, OperationsPerInvoke = Events)]
    public Task SseFormatter_Json_Pipe() => FormatterJson(_pipeStream);

    [BenchmarkCategory("Json-Pipe"), Benchmark(OperationsPerInvoke = Events)]
    public async Task SseWriter_Json_Pipe()
    {
        foreach (SseItem<Quote> item in _quotes)
        {
            await _pipeWriter.WriteEventJsonAsync(item.Data, BenchJsonContext.Default.Quote, item.EventType);
            Drain();
        }
    }

    // Onto Stream.Null: what each costs on top of the stream itself.
    [BenchmarkCategory("Typed-Stream"), Benchmark(Baseline = true, OperationsPerInvoke = Events)]
    public Task SseFormatter_Typed_Stream() => Formatter(_typed, Stream.Null);

    [BenchmarkCategory("Typed-Stream"), Benchmark(OperationsPerInvoke = Events)]
    public async Task SseWriter_Typed_Stream()
    {
        foreach (SseItem<string> item in _typed)
        {
            await _nullWriter.WriteEventAsync(item.Data, item.EventType, item.EventId);
        }
    }

    private static async Task Formatter(SseItem<string>[] items, Stream destination)
    {
        if (destination is MemoryStream memory)
        {
            memory.Position = 0;
        }

        await SseFormatter.WriteAsync(Enumerate(items), destination);
    }

    private async Task FormatterJson(Stream destination)
    {
        if (destination is MemoryStream memory)
        {
            memory.Position = 0;
        }

        await SseFormatter.WriteAsync(Enumerate(_quotes), destination, (item, writer) =>
        {
            // A reused Utf8JsonWriter, so the baseline does not pay for one per event.
            Utf8JsonWriter json = _formatterJson ??= new Utf8JsonWriter(writer);
            json.Reset(writer);
            JsonSerializer.Serialize(json, item.Data, BenchJsonContext.Default.Quote);
            json.Flush();
        });
    }

    /// <summary>The pipe's reader takes everything written so far (and, while checking, keeps it).</summary>
    private void Drain()
    {
        if (_pipe.Reader.TryRead(out ReadResult result))
        {
            if (_drained is not null)
            {
                foreach (ReadOnlyMemory<byte> segment in result.Buffer)
                {
                    _drained.Write(segment.Span);
                }
            }

            _pipe.Reader.AdvanceTo(result.Buffer.End);
        }
    }

    private Func<byte[]> Formatted(Func<Task> formatter) => () =>
    {
        formatter().GetAwaiter().GetResult();
        return _stream.GetBuffer().AsSpan(0, (int)_stream.Position).ToArray();
    };

    private Func<byte[]> Drained(Func<Task> write) => () =>
    {
        _drained = new MemoryStream();
        write().GetAwaiter().GetResult();
        byte[] bytes = _drained.ToArray();
        _drained = null;
        return bytes;
    };

    private Func<byte[]> Written(Action write) => () =>
    {
        write();
        return _buffer.WrittenSpan.ToArray();
    };

    private static void Same(string scenario, Func<byte[]> expected, params Func<byte[]>[] contenders)
    {
        List<string> events = Parse(expected());
        for (int i = 0; i < contenders.Length; i++)
        {
            List<string> actual = Parse(contenders[i]());
            if (events.Count != Events || !events.SequenceEqual(actual))
            {
                throw new InvalidOperationException($"{scenario}: SseFormatter wrote {events.Count} events, contender {i + 1} {actual.Count}, or they differ.");
            }
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

    private static async IAsyncEnumerable<SseItem<T>> Enumerate<T>(SseItem<T>[] items, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (SseItem<T> item in items)
        {
            yield return item;
        }

        await Task.CompletedTask;
    }

    /// <summary>A stream over a pipe's writer whose reader is drained after every write and flush, for SseFormatter.</summary>
    private sealed class DrainingStream(Stream inner, Action drain) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
            inner.Flush();
            drain();
        }

        public override async Task FlushAsync(CancellationToken cancellationToken)
        {
            await inner.FlushAsync(cancellationToken);
            drain();
        }

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            // A PipeWriter's stream flushes the pipe with every write (SseFormatter does not flush the stream itself).
            await inner.WriteAsync(buffer, cancellationToken);
            drain();
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}

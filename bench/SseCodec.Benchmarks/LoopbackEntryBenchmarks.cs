using BenchmarkDotNet.Attributes;

namespace SseCodec.Benchmarks;

/// <summary>
/// HttpClient over loopback: <c>new SseReader(responseStream)</c> against SseParser's span mode
/// (<c>EnumerateAsync</c>, the baseline) over the response stream of the same request to a Kestrel on 127.0.0.1
/// (<see cref="LoopbackServer"/>) that writes the fixed event stream in 0.5–16 KiB chunks. Both read on the same
/// connection pool; the server is started once in the global setup and stopped in the global cleanup. Results are per
/// event (10,000 events per request); the allocation column counts the client side only approximately (HttpClient's
/// per-request objects are spread over the events).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(EntryPointConfig))]
public class LoopbackEntryBenchmarks
{
    private LoopbackServer? _server;

    [Params(Shape.LlmTokens, Shape.Ticker, Shape.MultiLine)]
    public Shape Shape { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _server = await LoopbackServer.StartAsync([new(Shape.ToString(), Inputs.Stream(Shape))]);
        Readers.AssertSame(
            $"{nameof(LoopbackEntryBenchmarks)}/{Shape}",
            EntryPoints.SseParserSync(EventStreams.Of(Shape).Memory()),
            await SseParser_EnumerateAsync(),
            await SseReader_ResponseStream());
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Inputs.SmallEventCount)]
    public ValueTask<long> SseParser_EnumerateAsync() => _server!.ReadWithSseParserAsync(Shape.ToString());

    [Benchmark(OperationsPerInvoke = Inputs.SmallEventCount)]
    public ValueTask<long> SseReader_ResponseStream() => _server!.ReadWithSseReaderAsync(Shape.ToString());
}

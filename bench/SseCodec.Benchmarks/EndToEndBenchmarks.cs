using System.IO.Pipelines;
using System.Net;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SseCodec.AspNetCore;
using SseCodec.Client;
using SseCodec.Reference;
using SseCodec.Server;

namespace SseCodec.Benchmarks;

/// <summary>
/// End to end over loopback: Kestrel on 127.0.0.1 streams <see cref="Events"/> events per request, an HttpClient reads
/// them. SseCodec's adapter (SseResults.Stream of SseSource.From) read by SseCodec's client (SseClient, and its parser SseReader over the
/// response stream) against
/// TypedResults.ServerSentEvents read by System.Net.ServerSentEvents.SseParser; the two crossed pairs show which side
/// the difference comes from. Results are per event.
/// </summary>
[MemoryDiagnoser]
public class EndToEndBenchmarks
{
    private const int Events = 10_000;

    private WebApplication? _app;
    private HttpClient? _client;
    private SseItem<string>[] _items = [];

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _items = Enumerable.Range(0, Events)
            .Select(i => new SseItem<string>($"{{\"n\":{i},\"text\":\"an event of the end-to-end benchmark\"}}", "tick") { EventId = i.ToString() })
            .ToArray();
        var options = new SseStreamOptions { HeartbeatInterval = TimeSpan.Zero, FlushPolicy = SseFlushPolicy.Coalesce(TimeSpan.FromMilliseconds(1)) };

        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.MapGet("/ssecodec", (RequestDelegate)(c => SseResults.Stream(SseSource.From(Source(_items)), options).ExecuteAsync(c)));
        _app.MapGet("/aspnetcore", (RequestDelegate)(c => TypedResults.ServerSentEvents(Source(_items)).ExecuteAsync(c)));
        await _app.StartAsync();
        string address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _client = new HttpClient { BaseAddress = new Uri(address) };
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _client?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private static async IAsyncEnumerable<SseItem<string>> Source(SseItem<string>[] items, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (SseItem<string> item in items)
        {
            yield return item;
        }

        await Task.CompletedTask;
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Events, Description = "TypedResults.ServerSentEvents -> HttpClient + SseParser")]
    public Task<int> AspNetCore_to_SseParser() => ReadWithSseParserAsync("/aspnetcore");

    [Benchmark(OperationsPerInvoke = Events, Description = "SseCodec adapter -> SseCodec SseClient")]
    public Task<int> SseCodec_to_SseClient() => ReadWithSseClientAsync("/ssecodec");

    [Benchmark(OperationsPerInvoke = Events, Description = "SseCodec adapter -> SseCodec SseReader")]
    public Task<int> SseCodec_to_SseReader() => ReadWithSseReaderAsync("/ssecodec");

    [Benchmark(OperationsPerInvoke = Events, Description = "SseCodec adapter -> HttpClient + SseParser")]
    public Task<int> SseCodec_to_SseParser() => ReadWithSseParserAsync("/ssecodec");

    [Benchmark(OperationsPerInvoke = Events, Description = "TypedResults.ServerSentEvents -> SseCodec SseReader")]
    public Task<int> AspNetCore_to_SseReader() => ReadWithSseReaderAsync("/aspnetcore");

    private async Task<int> ReadWithSseReaderAsync(string path)
    {
        using HttpResponseMessage response = await _client!.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
        await using Stream body = await response.Content.ReadAsStreamAsync();
        using var reader = new SseReader(body);
        int count = 0;
        while (await reader.ReadAsync())
        {
            count += reader.Current.DataLength > 0 ? 1 : 0;
        }

        return Check(count);
    }

    private async Task<int> ReadWithSseClientAsync(string path)
    {
        // One connection: the stream ends after the last event and the client would reconnect, so stop at the count.
        await using var client = new SseClient(_client!, new Uri(_client!.BaseAddress!, path));
        int count = 0;
        while (count < Events && await client.ReadAsync())
        {
            count += client.Current.DataLength > 0 ? 1 : 0;
        }

        return Check(count);
    }

    private async Task<int> ReadWithSseParserAsync(string path)
    {
        using HttpResponseMessage response = await _client!.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
        await using Stream body = await response.Content.ReadAsStreamAsync();
        int count = 0;
        await foreach (SseItem<string> item in SseParser.Create(body, static (_, data) => Encoding.UTF8.GetString(data)).EnumerateAsync())
        {
            count += item.Data.Length > 0 ? 1 : 0;
        }

        return Check(count);
    }

    private static int Check(int count) =>
        count == Events ? count : throw new InvalidOperationException($"read {count} events, expected {Events}");
}

/// <summary>
/// Broadcast fan-out: an SseHub publishes <see cref="Events"/> events of 64 bytes of data to <see cref="Connections"/>
/// connections whose pipes are drained as fast as they fill; an operation ends when every connection has received
/// every event. Results are per published event (so events delivered per second = Connections / mean).
/// </summary>
[MemoryDiagnoser]
public class FanOutBenchmarks
{
    private const int Events = 200;

    private readonly BlockMemoryPool _pool = new();
    private SseHub? _hub;
    private CancellationTokenSource? _stop;
    private Task[] _tasks = [];
    private long _received;
    private byte[] _data = [];
    private int _eventSize;

    [Params(100, 1000)]
    public int Connections { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _hub = new SseHub(new SseHubOptions { QueueCapacity = Events * 2 });
        _stop = new CancellationTokenSource();
        _data = Encoding.UTF8.GetBytes(new string('x', 64));
        _eventSize = "data: ".Length + 64 + 2;
        var options = new SseStreamOptions { HeartbeatInterval = TimeSpan.Zero };
        _tasks = new Task[Connections * 2];
        for (int i = 0; i < Connections; i++)
        {
            // Blocks reused as Kestrel reuses them: a Pipe over the shared MemoryPool allocates each time it refills,
            // which would be counted here as the hub's.
            var pipe = new Pipe(new PipeOptions(pool: _pool, useSynchronizationContext: false));
            _tasks[2 * i] = _hub.StreamAsync(pipe.Writer, options: options, cancellationToken: _stop.Token);
            _tasks[2 * i + 1] = DrainAsync(pipe.Reader, _stop.Token);
        }

        while (_hub.ConnectionCount < Connections)
        {
            Thread.Sleep(1);
        }
    }

    private async Task DrainAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                ReadResult result = await reader.ReadAsync(cancellationToken);
                Interlocked.Add(ref _received, result.Buffer.Length);
                reader.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _stop!.Cancel();
        await Task.WhenAll(_tasks);
        await _hub!.DisposeAsync();
    }

    [Benchmark(OperationsPerInvoke = Events, Description = "SseHub.Publish fan-out (per published event)")]
    public async Task PublishToAll()
    {
        long target = Interlocked.Read(ref _received) + (long)Events * _eventSize * Connections;
        for (int i = 0; i < Events; i++)
        {
            _hub!.Publish(_data);
        }

        while (Interlocked.Read(ref _received) < target)
        {
            await Task.Yield();
        }
    }
}

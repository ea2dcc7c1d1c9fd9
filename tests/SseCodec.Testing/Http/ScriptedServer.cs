using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace SseCodec.Testing;

/// <summary>
/// A <see cref="LoopbackKestrel"/> scripted per test: the handler gets each request with its index (0 for the first)
/// and writes whatever the test needs, byte by byte if it likes; the server records every request.
/// </summary>
public sealed class ScriptedServer : IAsyncDisposable
{
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly ConcurrentQueue<Task> _ended = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<RecordedRequest>> _arrivals = new();
    private LoopbackKestrel _host = null!;
    private int _count;

    private ScriptedServer()
    {
    }

    public Uri BaseAddress => _host.Address;

    public Uri Events => new(BaseAddress, "/events");

    public IReadOnlyList<RecordedRequest> Requests => _requests.OrderBy(r => r.Index).ToList();

    public int RequestCount => Volatile.Read(ref _count);

    /// <summary>Completes when the connection of every request so far has been aborted or finished on the server.</summary>
    public Task AllConnectionsEnded => Task.WhenAll(_ended);

    public static async Task<ScriptedServer> StartAsync(Func<HttpContext, int, Task> handler, HttpProtocols protocols = HttpProtocols.Http1, X509Certificate2? certificate = null)
    {
        var server = new ScriptedServer();
        server._host = await LoopbackKestrel.StartAsync(app => app.Run(context => server.HandleAsync(context, handler)), protocols: protocols, certificate: certificate);
        return server;
    }

    /// <summary>Completes when request number <paramref name="index"/> (0 for the first) has arrived and been read.</summary>
    public Task<RecordedRequest> WaitForRequestAsync(int index) => Eventually.Within(Arrival(index).Task, $"request {index}");

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    private async Task HandleAsync(HttpContext context, Func<HttpContext, int, Task> handler)
    {
        int index = Interlocked.Increment(ref _count) - 1;
        var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _ended.Enqueue(ended.Task);
        context.RequestAborted.Register(() => ended.TrySetResult());
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        string body = await reader.ReadToEndAsync();
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var recorded = new RecordedRequest(
            index,
            context.Request.Method,
            context.Request.Path,
            context.Request.Protocol,
            headers.GetValueOrDefault("Accept"),
            headers.GetValueOrDefault("Cache-Control"),
            headers.GetValueOrDefault("Last-Event-ID"),
            headers.ContainsKey("Last-Event-ID"),
            headers.GetValueOrDefault("Content-Type"),
            body,
            headers);
        _requests.Enqueue(recorded);
        Arrival(index).TrySetResult(recorded);
        try
        {
            await handler(context, index);
        }
        catch (OperationCanceledException)
        {
            // The client went away.
        }
        catch (IOException)
        {
            // The client went away.
        }
        finally
        {
            ended.TrySetResult();
        }
    }

    private TaskCompletionSource<RecordedRequest> Arrival(int index) =>
        _arrivals.GetOrAdd(index, static _ => new TaskCompletionSource<RecordedRequest>(TaskCreationOptions.RunContinuationsAsynchronously));
}

using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SseCodec.Benchmarks;

/// <summary>
/// Kestrel on 127.0.0.1 serving fixed event streams, and an HttpClient to read them: <c>GET /{name}</c> answers
/// <c>text/event-stream</c> with the bytes registered under that name, written in the same 0.5–16 KiB pieces as
/// <see cref="ChunkedStream"/> (each write one HTTP chunk, as a server flushing events as they come produces).
/// The server does no encoding, so the time per event is the transport's and the reader's.
/// </summary>
/// <remarks>Start it once and read from it many times: starting Kestrel takes far longer than a read.</remarks>
public sealed class LoopbackServer : IAsyncDisposable
{
    private readonly Dictionary<string, (byte[] Bytes, int[] ChunkEnds)> _streams = new(StringComparer.Ordinal);
    private readonly WebApplication _app;
    private HttpClient? _client;

    private LoopbackServer()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.Run(ServeAsync);
    }

    /// <summary>Starts a server that serves <paramref name="streams"/> by name.</summary>
    public static async Task<LoopbackServer> StartAsync(IEnumerable<KeyValuePair<string, byte[]>> streams)
    {
        var server = new LoopbackServer();
        foreach ((string name, byte[] bytes) in streams)
        {
            server._streams.Add(name, (bytes, ChunkedStream.ChunkEnds(bytes.Length)));
        }

        await server._app.StartAsync().ConfigureAwait(false);
        string address = server._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server._client = new HttpClient { BaseAddress = new Uri(address) };
        return server;
    }

    /// <summary><c>new SseReader(responseStream)</c> over <c>GET /{name}</c>.</summary>
    public async ValueTask<long> ReadWithSseReaderAsync(string name)
    {
        using HttpResponseMessage response = await GetAsync(name).ConfigureAwait(false);
        Stream body = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            return await EntryPoints.ReaderStream(body).ConfigureAwait(false);
        }
    }

    /// <summary><c>SseParser.Create(responseStream, parser).EnumerateAsync()</c> over <c>GET /{name}</c>.</summary>
    public async ValueTask<long> ReadWithSseParserAsync(string name)
    {
        using HttpResponseMessage response = await GetAsync(name).ConfigureAwait(false);
        Stream body = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            return await EntryPoints.SseParserAsync(body).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _client?.Dispose();
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private async Task<HttpResponseMessage> GetAsync(string name)
    {
        HttpResponseMessage response = await _client!.GetAsync(name, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        return response;
    }

    private async Task ServeAsync(HttpContext context)
    {
        if (!_streams.TryGetValue(context.Request.Path.Value![1..], out (byte[] Bytes, int[] ChunkEnds) stream))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        context.Response.ContentType = "text/event-stream";
        int start = 0;
        foreach (int end in stream.ChunkEnds)
        {
            await context.Response.Body.WriteAsync(stream.Bytes.AsMemory(start, end - start), context.RequestAborted).ConfigureAwait(false);
            start = end;
        }
    }
}

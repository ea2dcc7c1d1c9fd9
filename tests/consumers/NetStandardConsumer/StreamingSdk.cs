using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Pipelines;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using SseCodec;
using SseCodec.Client;
using SseCodec.Server;

namespace NetStandardConsumer;

/// <summary>Uses each package's main types, so that the build checks they resolve on netstandard2.0.</summary>
public static class StreamingSdk
{
    public static async Task<List<string>> ReadDataAsync(Stream body, CancellationToken cancellationToken)
    {
        var data = new List<string>();
        await using var reader = new SseReader(body);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            data.Add(reader.Current.GetDataString());
        }

        return data;
    }

    public static async Task<byte[]> EncodeAsync(string data, string eventType)
    {
        // netstandard2.0 has no ArrayBufferWriter<T>: a PipeWriter over a MemoryStream is the buffer writer here.
        using var stream = new MemoryStream();
        PipeWriter writer = PipeWriter.Create(stream);
        SseEncoder.WriteEvent(writer, data.AsSpan(), eventType);
        await writer.CompleteAsync().ConfigureAwait(false);
        return stream.ToArray();
    }

    public static SseClient Connect(Uri url) => new(url, new SseClientOptions { ReadTimeout = TimeSpan.FromSeconds(60) });

    public static IServiceCollection AddStreams(IServiceCollection services)
    {
        services.AddSseClient("streams");
        return services;
    }

    public static Task<SseStreamCompletion> ServeAsync(Stream destination, SseHub hub, CancellationToken cancellationToken) =>
        hub.StreamAsync(destination, cancellationToken: cancellationToken);
}

using System.Buffers;
using System.Net.ServerSentEvents;
using System.Text.Json.Serialization.Metadata;
using System.Threading.Channels;

namespace SseCodec.Server;

/// <summary>
/// Producers for <see cref="SseStreaming"/>, <c>WriteEventStreamAsync</c> and <c>SseResults.Stream</c>, made from the
/// usual sources of events: an async sequence or a channel, of <see cref="SseItem{T}"/> or of any type with a method
/// that writes it.
/// </summary>
/// <remarks>
/// A producer writes events to the stream's <see cref="SseWriter"/> until it returns or its token is canceled; one
/// written by hand is a lambda of the same shape.
/// </remarks>
public static class SseSource
{
    /// <summary>The most items read from a channel and written in one turn, flushed together.</summary>
    private const int ChannelBatch = 256;

    /// <summary>One event per item of <paramref name="items"/>, written by <paramref name="writeEvent"/>.</summary>
    /// <typeparam name="T">The type of the items.</typeparam>
    /// <param name="items">The items. Their enumeration is given the stream's token.</param>
    /// <param name="writeEvent">Writes one item as an event, typically with <see cref="SseEncoder"/>.</param>
    /// <returns>The producer.</returns>
    public static Func<SseWriter, CancellationToken, Task> From<T>(IAsyncEnumerable<T> items, Action<IBufferWriter<byte>, T> writeEvent)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(writeEvent);
        return async (writer, token) =>
        {
            await foreach (T item in items.WithCancellation(token).ConfigureAwait(false))
            {
                await writer.WriteAsync((writeEvent, item), static (w, s) => s.writeEvent(w, s.item), token).ConfigureAwait(false);
            }
        };
    }

    /// <summary>One event per <see cref="SseItem{T}"/> of text: its data, event type, ID and reconnection interval.</summary>
    /// <param name="items">The items. Their enumeration is given the stream's token.</param>
    /// <returns>The producer.</returns>
    public static Func<SseWriter, CancellationToken, Task> From(IAsyncEnumerable<SseItem<string>> items) =>
        From(items, static (w, item) => w.WriteSseItem(item));

    /// <summary>One event per <see cref="SseItem{T}"/>, its data serialized as JSON.</summary>
    /// <typeparam name="T">The type of the items' data.</typeparam>
    /// <param name="items">The items. Their enumeration is given the stream's token.</param>
    /// <param name="jsonTypeInfo">Metadata for <typeparamref name="T"/>: safe for trimming and AOT.</param>
    /// <returns>The producer.</returns>
    public static Func<SseWriter, CancellationToken, Task> From<T>(IAsyncEnumerable<SseItem<T>> items, JsonTypeInfo<T> jsonTypeInfo)
    {
        ArgumentNullException.ThrowIfNull(jsonTypeInfo);
        return From(items, (w, item) => w.WriteSseItem(item, jsonTypeInfo));
    }

    /// <summary>
    /// One event per item read from <paramref name="items"/>, written by <paramref name="writeEvent"/>, until the channel
    /// completes. The items waiting when the stream reads are written together and flushed once.
    /// </summary>
    /// <typeparam name="T">The type of the items.</typeparam>
    /// <param name="items">The channel to read.</param>
    /// <param name="writeEvent">Writes one item as an event, typically with <see cref="SseEncoder"/>.</param>
    /// <returns>The producer.</returns>
    public static Func<SseWriter, CancellationToken, Task> From<T>(ChannelReader<T> items, Action<IBufferWriter<byte>, T> writeEvent)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(writeEvent);
        return async (writer, token) =>
        {
            while (await items.WaitToReadAsync(token).ConfigureAwait(false))
            {
                await writer.WriteAsync((items, writeEvent), static (w, s) =>
                {
                    int n = 0;
                    while (n++ < ChannelBatch && s.items.TryRead(out T? item))
                    {
                        s.writeEvent(w, item);
                    }
                }, token).ConfigureAwait(false);
            }
        };
    }

    /// <summary>One event per <see cref="SseItem{T}"/> of text read from <paramref name="items"/>, until the channel completes.</summary>
    /// <param name="items">The channel to read.</param>
    /// <returns>The producer.</returns>
    public static Func<SseWriter, CancellationToken, Task> From(ChannelReader<SseItem<string>> items) =>
        From(items, static (w, item) => w.WriteSseItem(item));
}

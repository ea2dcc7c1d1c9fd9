using System.Buffers;
using System.Net.ServerSentEvents;
using System.Text.Json.Serialization.Metadata;

namespace SseCodec;

/// <summary>
/// Bridges to <see cref="SseItem{T}"/> from <c>System.Net.ServerSentEvents</c>, so code can move between that API and
/// SseCodec one call at a time.
/// </summary>
public static class SseItemAdapters
{
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_scratch;

    /// <summary>Writes <paramref name="item"/> as an event with <see cref="SseEncoder"/>'s canonical form.</summary>
    /// <param name="destination">The writer to write to.</param>
    /// <param name="item">The item: its data, event type (<c>message</c> is omitted), <see cref="SseItem{T}.EventId"/> and <see cref="SseItem{T}.ReconnectionInterval"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="destination"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The item's event type or ID contains a line break, or its ID contains U+0000.</exception>
    public static void WriteSseItem(this IBufferWriter<byte> destination, SseItem<string> item) =>
        SseEncoder.WriteEvent(destination, item.Data.AsSpan(), item.EventType, item.EventId, item.ReconnectionInterval);

    /// <summary>Writes <paramref name="item"/> as an event whose data is the item's data serialized as JSON.</summary>
    /// <typeparam name="T">The type of the item's data.</typeparam>
    /// <param name="destination">The writer to write to.</param>
    /// <param name="item">The item.</param>
    /// <param name="jsonTypeInfo">Metadata for <typeparamref name="T"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="destination"/> or <paramref name="jsonTypeInfo"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The item's event type or ID contains a line break, or its ID contains U+0000.</exception>
    public static void WriteSseItem<T>(this IBufferWriter<byte> destination, SseItem<T> item, JsonTypeInfo<T> jsonTypeInfo) =>
        SseEncoder.WriteEventJson(destination, item.Data, jsonTypeInfo, item.EventType, item.EventId, item.ReconnectionInterval);

    /// <summary>
    /// Writes <paramref name="item"/> with an item formatter of the shape <see cref="SseFormatter"/> takes: the formatter
    /// writes the data into a per-thread scratch buffer, which is then written as the event's data lines. If the formatter
    /// throws, nothing is written to <paramref name="destination"/>.
    /// </summary>
    /// <typeparam name="T">The type of the item's data.</typeparam>
    /// <param name="destination">The writer to write to.</param>
    /// <param name="item">The item.</param>
    /// <param name="itemFormatter">Writes the item's data as UTF-8.</param>
    /// <exception cref="ArgumentNullException"><paramref name="destination"/> or <paramref name="itemFormatter"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The item's event type or ID contains a line break, or its ID contains U+0000.</exception>
    public static void WriteSseItem<T>(this IBufferWriter<byte> destination, SseItem<T> item, Action<SseItem<T>, IBufferWriter<byte>> itemFormatter)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(itemFormatter);
        ArrayBufferWriter<byte> scratch = t_scratch ?? new ArrayBufferWriter<byte>(256);
        t_scratch = null;
        try
        {
            itemFormatter(item, scratch);
            SseEncoder.WriteEvent(destination, scratch.WrittenSpan, item.EventType, item.EventId, item.ReconnectionInterval);
        }
        finally
        {
            scratch.ResetWrittenCount();
            if (scratch.Capacity <= 1024 * 1024)
            {
                t_scratch = scratch;
            }
        }
    }

    /// <summary>Copies a parsed event into an <see cref="SseItem{T}"/> of its data as a string.</summary>
    /// <param name="sseEvent">The event, which must still be valid.</param>
    /// <returns>
    /// An item with the event's data and type, <see cref="SseItem{T}.EventId"/> set to the last event ID
    /// (<see langword="null"/> when empty), and <see cref="SseItem{T}.ReconnectionInterval"/> set to the stream's
    /// reconnection time at dispatch, if any.
    /// </returns>
    public static SseItem<string> ToSseItem(this SseEvent sseEvent) =>
        new(sseEvent.GetDataString(), sseEvent.EventType)
        {
            EventId = sseEvent.LastEventIdUtf8.IsEmpty ? null : sseEvent.LastEventId,
            ReconnectionInterval = sseEvent.ReconnectionTime,
        };

    /// <summary>Copies a parsed event into an <see cref="SseItem{T}"/> whose data is deserialized from JSON.</summary>
    /// <typeparam name="T">The type of the data.</typeparam>
    /// <param name="sseEvent">The event, which must still be valid.</param>
    /// <param name="jsonTypeInfo">Metadata for <typeparamref name="T"/>.</param>
    /// <returns>The item, as <see cref="ToSseItem(SseEvent)"/> describes, with the deserialized data.</returns>
    /// <exception cref="System.Text.Json.JsonException">The data is not valid JSON for <typeparamref name="T"/>.</exception>
    public static SseItem<T?> ToSseItem<T>(this SseEvent sseEvent, JsonTypeInfo<T> jsonTypeInfo) =>
        new(sseEvent.GetDataFromJson(jsonTypeInfo), sseEvent.EventType)
        {
            EventId = sseEvent.LastEventIdUtf8.IsEmpty ? null : sseEvent.LastEventId,
            ReconnectionInterval = sseEvent.ReconnectionTime,
        };
}

using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace SseCodec;

/// <summary>
/// A dispatched event: a view over the parser's (or the pipe's) memory that allocates nothing.
/// </summary>
/// <remarks>
/// The view is valid until the next read from the parser that produced it; after that every member throws
/// <see cref="InvalidOperationException"/> rather than show another event's bytes. Copy what must outlive it
/// (<see cref="GetDataString"/>, <see cref="ReadOnlySpan{T}.ToArray"/>).
/// </remarks>
public readonly struct SseEvent
{
    // The event's bytes stay with the decoder: the view is two words, cheap to return from every read.
    private readonly SseDecoder? _owner;
    private readonly int _version;

    internal SseEvent(SseDecoder owner, int version)
    {
        _owner = owner;
        _version = version;
    }

    /// <summary>The event's data as UTF-8 bytes, lines joined by LF, with no trailing LF.</summary>
    public ReadOnlySpan<byte> Data
    {
        get
        {
            return Validate().CurrentSpan;
        }
    }

    /// <summary>The event's data as memory, for APIs that take <see cref="ReadOnlyMemory{T}"/>. Same lifetime as the event.</summary>
    public ReadOnlyMemory<byte> DataMemory
    {
        get
        {
            return Validate().CurrentMemory;
        }
    }

    /// <summary>The length of <see cref="Data"/> in bytes.</summary>
    public int DataLength
    {
        get
        {
            return Validate().CurrentLength;
        }
    }

    /// <summary>The event type as UTF-8 bytes: <c>message</c> unless an <c>event</c> field set another.</summary>
    public ReadOnlySpan<byte> EventTypeUtf8 => Validate().DispatchedEventTypeUtf8;

    /// <summary>
    /// The event type as a string. Allocates nothing for <c>message</c>, for the previous event's type, or for a type
    /// of up to 128 UTF-8 bytes seen before; such short types are pooled (a bounded pool shared by all decoders),
    /// longer ones are not, so a peer cannot pin memory with them.
    /// </summary>
    public string EventType => Validate().DispatchedEventType;

    /// <summary>The last event ID when this event was dispatched, as UTF-8 bytes; empty if none was set.</summary>
    public ReadOnlySpan<byte> LastEventIdUtf8 => Validate().LastEventIdUtf8;

    /// <summary>The last event ID when this event was dispatched. Allocates only when the ID changed since it was last read as a string.</summary>
    public string LastEventId => Validate().LastEventId;

    /// <summary>The stream's reconnection time when this event was dispatched; <see langword="null"/> if no valid <c>retry</c> field was seen.</summary>
    public TimeSpan? ReconnectionTime => Validate().ReconnectionTime;

    /// <summary>Whether the event type equals <paramref name="utf8EventType"/>, compared as bytes (no allocation).</summary>
    public bool IsEventType(ReadOnlySpan<byte> utf8EventType) => EventTypeUtf8.SequenceEqual(utf8EventType);

    /// <summary>Decodes the data as a new string; invalid UTF-8 becomes U+FFFD, never an exception.</summary>
    public string GetDataString() => Encoding.UTF8.GetString(Data);

    /// <summary>Deserializes the data as JSON, straight from its UTF-8 bytes.</summary>
    /// <param name="jsonTypeInfo">Metadata for <typeparamref name="T"/>, such as from a source-generated context: safe for trimming and AOT.</param>
    /// <exception cref="JsonException">The data is not valid JSON for <typeparamref name="T"/>.</exception>
    public T? GetDataFromJson<T>(JsonTypeInfo<T> jsonTypeInfo)
    {
        ArgumentNullException.ThrowIfNull(jsonTypeInfo);
        return JsonSerializer.Deserialize(Data, jsonTypeInfo);
    }

    /// <summary>Deserializes the data as JSON, straight from its UTF-8 bytes, using reflection-based metadata.</summary>
    /// <exception cref="JsonException">The data is not valid JSON for <typeparamref name="T"/>.</exception>
    [RequiresUnreferencedCode("JSON serialization of arbitrary types may need types that trimming removes. Use the JsonTypeInfo<T> overload.")]
    [RequiresDynamicCode("JSON serialization of arbitrary types may need runtime code generation. Use the JsonTypeInfo<T> overload.")]
    public T? GetDataFromJson<T>(JsonSerializerOptions? options = null) => JsonSerializer.Deserialize<T>(Data, options);

    /// <summary>A short description for debugging: type, ID and data length.</summary>
    /// <remarks>Never throws: a view that is no longer current says so instead of showing another event.</remarks>
    public override string ToString() => _owner switch
    {
        null => "(no event)",
        { } owner when owner.Version != _version => "(an event that is no longer current)",
        _ => $"{EventType} id={LastEventId} data={DataLength} bytes",
    };

    // Inlined: every accessor of every event passes through here, and the checks are two compares.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private SseDecoder Validate()
    {
        SseDecoder? owner = _owner;
        if (owner is null)
        {
            ThrowHelper.ThrowNoCurrentEvent();
        }

        if (owner.Version != _version)
        {
            ThrowHelper.ThrowStaleEvent();
        }

        return owner;
    }
}

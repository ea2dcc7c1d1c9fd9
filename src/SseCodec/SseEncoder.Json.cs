using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace SseCodec;

public static partial class SseEncoder
{
    /// <summary>
    /// Writes an event whose data is <paramref name="value"/> serialized as JSON.
    /// </summary>
    /// <remarks>
    /// The value is serialized into a per-thread scratch buffer (reused, so no allocation per event) and the event is
    /// written only once serialization succeeded: if the serializer throws, nothing is written to
    /// <paramref name="destination"/>. The JSON is always written compact, whatever
    /// <see cref="JsonSerializerOptions.WriteIndented"/> says; should a converter still write a raw line break
    /// (through <see cref="Utf8JsonWriter.WriteRawValue(string, bool)"/>), the data is split into lines like any other.
    /// </remarks>
    /// <typeparam name="T">The type of the value.</typeparam>
    /// <param name="destination">The writer to write to.</param>
    /// <param name="value">The value to serialize.</param>
    /// <param name="jsonTypeInfo">Metadata for <typeparamref name="T"/>, such as from a source-generated context: safe for trimming and AOT.</param>
    /// <param name="eventType">The event type; omitted when <see langword="null"/>, empty or <c>message</c>.</param>
    /// <param name="id">The event ID, which becomes the client's last event ID; omitted when <see langword="null"/>.</param>
    /// <param name="retry">The reconnection time, written in whole milliseconds (rounded down); omitted when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="destination"/> or <paramref name="jsonTypeInfo"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="eventType"/> contains CR or LF, or <paramref name="id"/> contains CR, LF or U+0000.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="retry"/> is negative.</exception>
    public static void WriteEventJson<T>(IBufferWriter<byte> destination, T value, JsonTypeInfo<T> jsonTypeInfo, string? eventType = null, string? id = null, TimeSpan? retry = null)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(jsonTypeInfo);

        // Validate before serializing: a bad type or id must fail whatever the value.
        var header = new EventHeader(eventType, id, retry);
        header.Validate();

        JsonScratch scratch = JsonScratch.Rent(jsonTypeInfo.Options);
        try
        {
            JsonSerializer.Serialize(scratch.Writer, value, jsonTypeInfo);
            scratch.Writer.Flush();
            WriteEvent(destination, header, scratch.Buffer.WrittenSpan);
        }
        finally
        {
            JsonScratch.Return(scratch);
        }
    }

    /// <summary>Writes an event whose data is <paramref name="value"/> serialized as JSON with reflection-based metadata.</summary>
    /// <inheritdoc cref="WriteEventJson{T}(IBufferWriter{byte}, T, JsonTypeInfo{T}, string?, string?, TimeSpan?)"/>
    /// <param name="destination">The writer to write to.</param>
    /// <param name="value">The value to serialize.</param>
    /// <param name="options">Serializer options; <see cref="JsonSerializerOptions.Default"/> when <see langword="null"/>.</param>
    /// <param name="eventType">The event type; omitted when <see langword="null"/>, empty or <c>message</c>.</param>
    /// <param name="id">The event ID, which becomes the client's last event ID; omitted when <see langword="null"/>.</param>
    /// <param name="retry">The reconnection time, written in whole milliseconds (rounded down); omitted when <see langword="null"/>.</param>
    [RequiresUnreferencedCode("JSON serialization of arbitrary types may need types that trimming removes. Use the JsonTypeInfo<T> overload.")]
    [RequiresDynamicCode("JSON serialization of arbitrary types may need runtime code generation. Use the JsonTypeInfo<T> overload.")]
    public static void WriteEventJson<T>(IBufferWriter<byte> destination, T value, JsonSerializerOptions? options = null, string? eventType = null, string? id = null, TimeSpan? retry = null)
    {
        options ??= JsonSerializerOptions.Default;
        options.MakeReadOnly(populateMissingResolver: true);
        var jsonTypeInfo = (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T));
        WriteEventJson(destination, value, jsonTypeInfo, eventType, id, retry);
    }

    /// <summary>A reusable scratch buffer and JSON writer, one per thread (a nested call on the same thread gets its own).</summary>
    private sealed class JsonScratch
    {
        // A buffer grown past this is dropped after use rather than kept for the thread's lifetime.
        private const int MaxRetainedSize = 1024 * 1024;

        [ThreadStatic]
        private static JsonScratch? t_cached;

        private readonly JavaScriptEncoderKey _key;

        private JsonScratch(JsonSerializerOptions options)
        {
            _key = new JavaScriptEncoderKey(options);
            Buffer = new ArrayBufferWriter<byte>(256);
            Writer = new Utf8JsonWriter(Buffer, new JsonWriterOptions
            {
                Encoder = options.Encoder,
                MaxDepth = options.MaxDepth,

                // Compact, so that the JSON is one data line.
                Indented = false,
            });
        }

        public ArrayBufferWriter<byte> Buffer { get; }

        public Utf8JsonWriter Writer { get; }

        public static JsonScratch Rent(JsonSerializerOptions options)
        {
            JsonScratch? scratch = t_cached;
            if (scratch is not null && scratch._key.Matches(options))
            {
                t_cached = null;
                return scratch;
            }

            return new JsonScratch(options);
        }

        public static void Return(JsonScratch scratch)
        {
            if (scratch.Buffer.Capacity > MaxRetainedSize)
            {
                scratch.Writer.Dispose();
                return;
            }

            // Whatever a failed serialization left behind is forgotten here.
            scratch.Buffer.ResetWrittenCount();
            scratch.Writer.Reset(scratch.Buffer);
            t_cached = scratch;
        }

        private readonly struct JavaScriptEncoderKey(JsonSerializerOptions options)
        {
            private readonly System.Text.Encodings.Web.JavaScriptEncoder? _encoder = options.Encoder;
            private readonly int _maxDepth = options.MaxDepth;

            public bool Matches(JsonSerializerOptions options) =>
                ReferenceEquals(_encoder, options.Encoder) && _maxDepth == options.MaxDepth;
        }
    }
}

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
    /// The value is serialized straight into the destination's memory, after the event's header, and the destination
    /// is advanced only once the event is whole: if the serializer throws, nothing is written to
    /// <paramref name="destination"/>. JSON larger than the memory the destination gives goes on into a per-thread
    /// buffer (reused, so no allocation per event) and is copied from there. The JSON is always written compact, whatever
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

        var header = new EventHeader(eventType, id, retry);
        JsonScratch scratch = JsonScratch.Rent(jsonTypeInfo.Options);
        try
        {
            // The JSON goes straight after the header and "data: ", into memory asked for its likely size.
            LineSplitter lines = LineSplitter.ForEventData();
            int dataStart = 0;
            long expectedSize = header.ExpectedSize + EventFraming + scratch.ExpectedLength;
            Memory<byte> memory = destination.GetMemory((int)Math.Min(expectedSize, BufferCursor.MaxSizeHint));
            Span<byte> span = memory.Span;
            bool inPlace = header.CanWriteIn(span.Length - lines.PrefixLength - sizeof(ulong) - JsonScratch.MinimumRoom);
            if (inPlace)
            {
                // The header is checked as it is written, before the value is serialized: a bad type or id fails
                // whatever the value.
                var cursor = new BufferCursor(destination, span, expectedSize);
                header.Write(ref cursor);
                dataStart = cursor.Pending;
                lines.WritePrefix(ref span[dataStart]);
                dataStart += lines.PrefixLength;

                // Room is kept for the 8-byte write of the ending.
                scratch.Data.Start(memory.Slice(dataStart, memory.Length - dataStart - sizeof(ulong)));
            }
            else
            {
                header.Validate();
                scratch.Data.Start(Memory<byte>.Empty);
            }

            scratch.Writer.Reset(scratch.Data);
            JsonSerializer.Serialize(scratch.Writer, value, jsonTypeInfo);
            scratch.Writer.Flush();

            // Compact JSON escapes CR and LF in strings; only a converter writing raw JSON can put one in the data.
            if (inPlace && !scratch.Data.Overflowed)
            {
                ReadOnlySpan<byte> json = span.Slice(dataStart, scratch.Data.WrittenCount);
                scratch.ExpectedLength = json.Length;
                if (!json.ContainsAny(Cr, Lf))
                {
                    lines.WriteEnding(ref span[dataStart + json.Length]);
                    destination.Advance(dataStart + json.Length + lines.EndingLength);
                    return;
                }
            }

            // Larger than the memory, or lines to split: written the usual way from a copy (the memory is written over).
            scratch.Data.MoveToOwnBuffer();
            scratch.ExpectedLength = scratch.Data.Written.Length;
            WriteEvent(destination, header, scratch.Data.Written);
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

    /// <summary>A reusable JSON writer and its buffer, one per thread (a nested call on the same thread gets its own).</summary>
    private sealed class JsonScratch
    {
        /// <summary>The room a JSON writer asks for first, and so what writing in place needs after the header.</summary>
        public const int MinimumRoom = 256;

        [ThreadStatic]
        private static JsonScratch? t_cached;

        private readonly JavaScriptEncoderKey _key;

        private JsonScratch(JsonSerializerOptions options)
        {
            _key = new JavaScriptEncoderKey(options);
            Data = new JsonDataWriter();
            Writer = new Utf8JsonWriter(Data, new JsonWriterOptions
            {
                Encoder = options.Encoder,
                MaxDepth = options.MaxDepth,

                // Compact, so that the JSON is one data line.
                Indented = false,
            });
        }

        public JsonDataWriter Data { get; }

        public Utf8JsonWriter Writer { get; }

        /// <summary>The length of the last value written on this thread: the size of the next one, as a hint.</summary>
        public int ExpectedLength { get; set; } = MinimumRoom;

        /// <summary>Whether a call on this thread is using it (a converter may write an event while it serializes one).</summary>
        private bool _inUse;

        public static JsonScratch Rent(JsonSerializerOptions options)
        {
            JsonScratch? cached = t_cached;
            if (cached is not null && !cached._inUse && cached._key.Matches(options))
            {
                cached._inUse = true;
                return cached;
            }

            // The first on this thread, one for other options (kept in place of the last), or one for a nested call.
            var scratch = new JsonScratch(options);
            if (cached is null || !cached._inUse)
            {
                t_cached = scratch;
            }

            scratch._inUse = true;
            return scratch;
        }

        public static void Return(JsonScratch scratch)
        {
            // The destination's memory is let go; whatever a failed serialization left in the writer is forgotten when
            // it is next reset.
            scratch.Data.Clear();
            scratch._inUse = false;
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

using System.Buffers;
using System.Text;

namespace SseCodec;

/// <summary>
/// Writes <c>text/event-stream</c> bytes straight into an <see cref="IBufferWriter{T}"/>: a
/// <see cref="System.IO.Pipelines.PipeWriter"/>, an <see cref="ArrayBufferWriter{T}"/>, a server's response body.
/// </summary>
/// <remarks>
/// <para>
/// <b>Canonical form.</b> Every line is <c>name: value</c> followed by LF: the space after the colon is always written,
/// an empty value included (<c>data: </c>), because the parser strips exactly one leading space, so a value that begins
/// with a space survives. An event's fields come in a fixed order: <c>event</c> (omitted when the type is
/// <see langword="null"/>, empty or <c>message</c>, which all parse as <c>message</c>), <c>id</c> (omitted when
/// <see langword="null"/>), <c>retry</c> (omitted when <see langword="null"/>), then one <c>data</c> line per line of
/// data, then the blank line that dispatches the event.
/// </para>
/// <para>
/// <b>Line breaks.</b> CR, LF and CRLF in data all end a line, so data is written as one <c>data</c> line per line:
/// the parser then gives back exactly the original text with its line endings normalized to LF. A comment with line
/// breaks becomes several comment lines.
/// </para>
/// <para>
/// <b>Text.</b> <see cref="ReadOnlySpan{T}"/> of <see cref="char"/> and <see cref="string"/> values are transcoded to
/// UTF-8 straight into the writer's memory. An unpaired surrogate becomes U+FFFD (the replacement character), as
/// <see cref="Encoding.UTF8"/> and browsers do; it never throws. UTF-8 data is written byte for byte: it is the
/// caller's to be valid UTF-8 (a client decodes invalid UTF-8 as U+FFFD).
/// </para>
/// <para>
/// <b>Bad input.</b> An event type or id containing CR or LF, an id containing U+0000, or a negative reconnection time
/// throws <see cref="ArgumentException"/> before a single byte is advanced, so no caller can inject fields or events
/// through them. Nothing is advanced either when a JSON serializer throws.
/// </para>
/// <para>
/// <b>Memory.</b> An item is written into the span the writer gives for its expected size (at most 4 KiB, the pooled
/// block of a Kestrel or <see cref="System.IO.Pipelines.Pipe"/> writer) and advanced once; an item larger than that
/// span goes on into further spans, each advanced as the next is needed. Nothing is measured before it is written. No
/// call allocates, except JSON serialization of a value whose serializer allocates.
/// </para>
/// </remarks>
public static partial class SseEncoder
{
    internal const byte Lf = (byte)'\n';
    internal const byte Cr = (byte)'\r';

    /// <summary>The most UTF-8 bytes one UTF-16 code unit can become (a surrogate pair: 4 bytes for 2 units).</summary>
    internal const int MaxUtf8BytesPerChar = 3;

    /// <summary>
    /// What an event adds to its header and data: <c>data: </c>, the LF that ends the data line and the blank line,
    /// and the room the line splitter's block copy may write past the end of the text.
    /// </summary>
    private const int EventFraming = 6 + 1 + 1 + LineSplitter.MinimumRoom;

    /// <summary>Writes an event whose data is UTF-8 bytes.</summary>
    /// <param name="destination">The writer to write to.</param>
    /// <param name="utf8Data">The event's data as UTF-8; CR, LF and CRLF in it separate lines.</param>
    /// <param name="eventType">The event type; omitted when <see langword="null"/>, empty or <c>message</c>.</param>
    /// <param name="id">The event ID, which becomes the client's last event ID; omitted when <see langword="null"/>. An empty ID resets it.</param>
    /// <param name="retry">The reconnection time, written in whole milliseconds (rounded down); omitted when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="destination"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="eventType"/> contains CR or LF, or <paramref name="id"/> contains CR, LF or U+0000.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="retry"/> is negative.</exception>
    public static void WriteEvent(IBufferWriter<byte> destination, ReadOnlySpan<byte> utf8Data, string? eventType = null, string? id = null, TimeSpan? retry = null)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var header = new EventHeader(eventType, id, retry);
        WriteEvent(destination, header, utf8Data);
    }

    /// <summary>Writes an event whose data is UTF-8 bytes in a sequence of segments; a CRLF may straddle two segments.</summary>
    /// <inheritdoc cref="WriteEvent(IBufferWriter{byte}, ReadOnlySpan{byte}, string?, string?, TimeSpan?)"/>
    public static void WriteEvent(IBufferWriter<byte> destination, in ReadOnlySequence<byte> utf8Data, string? eventType = null, string? id = null, TimeSpan? retry = null)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var header = new EventHeader(eventType, id, retry);
        if (utf8Data.IsSingleSegment)
        {
            WriteEvent(destination, header, utf8Data.FirstSpan);
            return;
        }

        var cursor = new BufferCursor(destination, header.ExpectedSize + EventFraming + utf8Data.Length, header.FirstSpanRoom + LineSplitter.MinimumRoom);
        header.Write(ref cursor);
        WriteLines(ref cursor, LineSplitter.ForEventData(), utf8Data);
        cursor.Commit();
    }

    /// <summary>Writes an event whose data is text, transcoded to UTF-8 straight into the writer's memory.</summary>
    /// <param name="destination">The writer to write to.</param>
    /// <param name="data">The event's data; CR, LF and CRLF in it separate lines. An unpaired surrogate is written as U+FFFD.</param>
    /// <param name="eventType">The event type; omitted when <see langword="null"/>, empty or <c>message</c>.</param>
    /// <param name="id">The event ID, which becomes the client's last event ID; omitted when <see langword="null"/>. An empty ID resets it.</param>
    /// <param name="retry">The reconnection time, written in whole milliseconds (rounded down); omitted when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="destination"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="eventType"/> contains CR or LF, or <paramref name="id"/> contains CR, LF or U+0000.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="retry"/> is negative.</exception>
    public static void WriteEvent(IBufferWriter<byte> destination, ReadOnlySpan<char> data, string? eventType = null, string? id = null, TimeSpan? retry = null)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var header = new EventHeader(eventType, id, retry);

        // Expected as ASCII, which nearly all text is; other text continues in a further span if it must.
        var cursor = new BufferCursor(destination, header.ExpectedSize + EventFraming + data.Length, header.FirstSpanRoom + LineSplitter.MinimumRoom);
        header.Write(ref cursor);
        WriteLines(ref cursor, LineSplitter.ForEventData(), data);
        cursor.Commit();
    }

    /// <summary>Writes a comment: one <c>: text</c> line per line of <paramref name="text"/>. A client ignores it.</summary>
    /// <param name="destination">The writer to write to.</param>
    /// <param name="text">The comment; CR, LF and CRLF in it separate lines. An unpaired surrogate is written as U+FFFD.</param>
    /// <exception cref="ArgumentNullException"><paramref name="destination"/> is <see langword="null"/>.</exception>
    public static void WriteComment(IBufferWriter<byte> destination, ReadOnlySpan<char> text)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var cursor = new BufferCursor(destination, text.Length + CommentFraming, LineSplitter.MinimumRoom);
        WriteLines(ref cursor, LineSplitter.ForComment(), text);
        cursor.Commit();
    }

    /// <summary>Writes a comment given as UTF-8: one <c>: text</c> line per line of <paramref name="utf8Text"/>. A client ignores it.</summary>
    /// <param name="destination">The writer to write to.</param>
    /// <param name="utf8Text">The comment as UTF-8; CR, LF and CRLF in it separate lines.</param>
    /// <exception cref="ArgumentNullException"><paramref name="destination"/> is <see langword="null"/>.</exception>
    public static void WriteComment(IBufferWriter<byte> destination, ReadOnlySpan<byte> utf8Text)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var cursor = new BufferCursor(destination, utf8Text.Length + CommentFraming, LineSplitter.MinimumRoom);
        LineSplitter.ForComment().WriteAll(ref cursor, utf8Text);
        cursor.Commit();
    }

    /// <summary>
    /// Writes the shortest heartbeat: an empty comment line, <c>:</c> and LF. It keeps the connection (and any proxy)
    /// from timing out and dispatches nothing.
    /// </summary>
    /// <param name="destination">The writer to write to.</param>
    /// <exception cref="ArgumentNullException"><paramref name="destination"/> is <see langword="null"/>.</exception>
    public static void WriteHeartbeat(IBufferWriter<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        Span<byte> span = destination.GetSpan(2);
        span[0] = (byte)':';
        span[1] = Lf;
        destination.Advance(2);
    }

    /// <summary>
    /// Writes a lone <c>retry</c> line, which sets the client's reconnection time at once (no blank line is needed, and
    /// none is written).
    /// </summary>
    /// <param name="destination">The writer to write to.</param>
    /// <param name="retry">The reconnection time, written in whole milliseconds (rounded down).</param>
    /// <exception cref="ArgumentNullException"><paramref name="destination"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="retry"/> is negative.</exception>
    public static void WriteRetry(IBufferWriter<byte> destination, TimeSpan retry)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var header = new EventHeader(null, null, retry);
        var cursor = new BufferCursor(destination, header.ExpectedSize, header.FirstSpanRoom);
        header.Write(ref cursor);
        cursor.Commit();
    }

    /// <summary>
    /// Writes an id-only block, <c>id: ID</c> and a blank line: it sets the client's last event ID without dispatching
    /// an event.
    /// </summary>
    /// <param name="destination">The writer to write to.</param>
    /// <param name="id">The new last event ID; empty resets it.</param>
    /// <exception cref="ArgumentNullException"><paramref name="destination"/> or <paramref name="id"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="id"/> contains CR, LF or U+0000.</exception>
    public static void WriteId(IBufferWriter<byte> destination, string id)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(id);
        var header = new EventHeader(null, id, null);
        var cursor = new BufferCursor(destination, header.ExpectedSize + 1, header.FirstSpanRoom + 1);
        header.Write(ref cursor);

        // Spec: "When the user agent is required to dispatch the event ... Set the last event ID string of the event
        // source to the value of the last event ID buffer. ... If the data buffer is an empty string, set the data
        // buffer and the event type buffer to the empty string and return."
        cursor.WriteByte(Lf);
        cursor.Commit();
    }

    /// <summary>What a comment adds to its text: <c>: </c>, the LF and the room of the splitter's block copy.</summary>
    private const int CommentFraming = 2 + 1 + LineSplitter.MinimumRoom;

    private static void WriteEvent(IBufferWriter<byte> destination, scoped in EventHeader header, scoped ReadOnlySpan<byte> utf8Data)
    {
        var cursor = new BufferCursor(destination, header.ExpectedSize + EventFraming + utf8Data.Length, header.FirstSpanRoom + LineSplitter.MinimumRoom);
        header.Write(ref cursor);
        LineSplitter.ForEventData().WriteAll(ref cursor, utf8Data);
        cursor.Commit();
    }
}

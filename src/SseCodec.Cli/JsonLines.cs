using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace SseCodec.Cli;

/// <summary>Writes the JSON-lines shape shared by <c>sse parse</c>, <c>sse listen</c> and <c>sse encode</c>'s input.</summary>
internal sealed class JsonLines : IDisposable
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    private readonly Stream _output;
    private readonly Utf8JsonWriter _writer;

    public JsonLines(Stream output)
    {
        _output = output;
        _writer = new Utf8JsonWriter(output, WriterOptions);
    }

    public void WriteEvent(SseEvent sseEvent)
    {
        _writer.WriteStartObject();
        _writer.WriteString("type"u8, sseEvent.EventType);
        _writer.WriteString("data"u8, sseEvent.GetDataString());
        _writer.WriteString("id"u8, sseEvent.LastEventId);
        EndLine();
    }

    public void WriteRetry(TimeSpan reconnectionTime)
    {
        _writer.WriteStartObject();
        _writer.WriteNumber("retry"u8, (long)reconnectionTime.TotalMilliseconds);
        EndLine();
    }

    public void WriteComment(ReadOnlySpan<byte> comment)
    {
        _writer.WriteStartObject();
        _writer.WriteString("comment"u8, Encoding.UTF8.GetString(comment));
        EndLine();
    }

    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        await _writer.FlushAsync(cancellationToken);
        await _output.FlushAsync(cancellationToken);
    }

    public void Dispose() => _writer.Dispose();

    private void EndLine()
    {
        _writer.WriteEndObject();
        _writer.Flush();
        _writer.Reset();
        _output.WriteByte((byte)'\n');
    }
}

using System.Buffers;
using System.Text;
using System.Text.Json;

namespace SseCodec.Cli;

/// <summary>
/// <c>sse encode [FILE|-]</c>: the inverse of <c>sse parse</c>. Reads JSON lines and writes the event stream.
/// </summary>
/// <remarks>
/// Each input line is one object. With <c>data</c> (or <c>type</c>) it is an event with optional <c>type</c>,
/// <c>id</c> and <c>retry</c> (whole milliseconds); with only <c>id</c> an id-only block; with only <c>retry</c> a lone
/// retry line; with only <c>comment</c> a comment. <c>sse parse</c> prints the last event ID with every event, so an
/// event's <c>id</c> is written only when it differs from the stream's last event ID so far: parse(encode(lines))
/// gives back the lines that parse printed.
/// </remarks>
internal static class EncodeCommand
{
    public static async Task<int> RunAsync(ReadOnlyMemory<string> args, Stream stdin, Stream stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        string? path = null;
        var reader = new ArgumentReader(args.Span);
        while (reader.TryNext(out string arg))
        {
            if (arg == "-")
            {
                path = null;
            }
            else if (arg.StartsWith('-') || path is not null)
            {
                throw new UsageException($"unexpected argument '{arg}'");
            }
            else
            {
                path = arg;
            }
        }

        Stream input = CommandInput.Open(path, stdin);

        await using (input.ConfigureAwait(false))
        {
            using var lines = new StreamReader(input, Encoding.UTF8, detectEncodingFromByteOrderMarks: false);

            // Flushed after each line, so that a pipe downstream sees each event as it is encoded.
            var output = new SseWriter(stdout, SseFlushPolicy.PerItem, leaveOpen: true);
            await using (output.ConfigureAwait(false))
            {
                var lastId = new LastEventId();
                int lineNumber = 0;
                try
                {
                    while (await lines.ReadLineAsync(cancellationToken) is { } line)
                    {
                        lineNumber++;
                        if (string.IsNullOrWhiteSpace(line))
                        {
                            continue;
                        }

                        await output.WriteAsync((line, lastId), static (w, s) => s.lastId.Value = Encode(w, s.line, s.lastId.Value), cancellationToken);
                    }
                }
                catch (Exception e) when (e is JsonException or ArgumentException or FormatException or InvalidOperationException)
                {
                    await output.FlushAsync(cancellationToken);
                    await stderr.WriteLineAsync($"sse: line {lineNumber}: {e.Message}");
                    return SseCommand.ExitDataError;
                }
            }
        }

        return SseCommand.ExitOk;
    }

    /// <summary>
    /// <paramref name="value"/> milliseconds, exactly, on every target: before .NET 9 TimeSpan.FromMilliseconds has only a
    /// double overload, which rounds large values. Out of TimeSpan's range it throws, as .NET 9's long overload does.
    /// </summary>
    private static TimeSpan Milliseconds(long value) =>
        value is >= long.MinValue / TimeSpan.TicksPerMillisecond and <= long.MaxValue / TimeSpan.TicksPerMillisecond
            ? TimeSpan.FromTicks(value * TimeSpan.TicksPerMillisecond)
            : throw new ArgumentOutOfRangeException(nameof(value), value, "retry is out of TimeSpan's range");

    /// <summary>Writes the event stream form of one JSON line.</summary>
    /// <returns>The stream's last event ID after it.</returns>
    private static string Encode(IBufferWriter<byte> output, string line, string lastId)
    {
        using var document = JsonDocument.Parse(line);
        JsonElement root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("expected a JSON object");
        }

        string? type = null, data = null, id = null, comment = null;
        TimeSpan? retry = null;
        foreach (JsonProperty property in root.EnumerateObject())
        {
            switch (property.Name)
            {
                case "type": type = property.Value.GetString(); break;
                case "data": data = property.Value.GetString(); break;
                case "id": id = property.Value.GetString(); break;
                case "comment": comment = property.Value.GetString(); break;
                case "retry": retry = Milliseconds(property.Value.GetInt64()); break;
                default: throw new FormatException($"unknown field '{property.Name}'");
            }
        }

        if (comment is not null)
        {
            if (type is not null || data is not null || id is not null || retry is not null)
            {
                throw new FormatException("a comment line has no other fields");
            }

            SseEncoder.WriteComment(output, comment);
        }
        else if (data is not null || type is not null)
        {
            // sse parse prints the last event ID with each event: write an id field only where it changes.
            string? newId = id is not null && id != lastId ? id : null;
            SseEncoder.WriteEvent(output, (data ?? "").AsSpan(), type, newId, retry);
            return id ?? lastId;
        }
        else if (id is not null)
        {
            if (retry is not null)
            {
                SseEncoder.WriteRetry(output, retry.Value);
            }

            SseEncoder.WriteId(output, id);
            return id;
        }
        else if (retry is not null)
        {
            SseEncoder.WriteRetry(output, retry.Value);
        }
        else
        {
            throw new FormatException("expected one of data, type, id, retry or comment");
        }

        return lastId;
    }

    /// <summary>The last event ID so far, carried from line to line through the writer's callback.</summary>
    private sealed class LastEventId
    {
        public string Value { get; set; } = "";
    }
}

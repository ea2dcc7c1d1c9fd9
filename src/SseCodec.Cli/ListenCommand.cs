using System.Globalization;
using System.Text;
using SseCodec.Client;

namespace SseCodec.Cli;

/// <summary>
/// <c>sse listen URL [-H 'Name: value']... [--method M] [--data BODY|@FILE] [--last-event-id ID] [--json]</c>:
/// <c>curl -N</c> for people who want parsed events, reconnecting as <c>EventSource</c> does.
/// </summary>
internal static class ListenCommand
{
    /// <summary>
    /// Reconnections in a row without an event before <c>sse listen</c> gives up (exit 3): about a minute of backoff
    /// against a closed port, where a tool run by hand should say so rather than wait for ever.
    /// </summary>
    public const int DefaultMaxRetries = 5;

    public static async Task<int> RunAsync(ReadOnlyMemory<string> args, Stream stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        Uri? url = null;
        bool json = false;
        string? method = null;
        string? data = null;
        var options = new SseClientOptions { MaxRetries = DefaultMaxRetries };

        var reader = new ArgumentReader(args.Span);
        while (reader.TryNext(out string arg))
        {
            switch (arg)
            {
                case "-H" or "--header":
                    string header = reader.Value(arg);
                    int colon = header.IndexOf(':', StringComparison.Ordinal);
                    if (colon <= 0)
                    {
                        throw new UsageException($"{arg} needs 'Name: value', not '{header}'");
                    }

                    options.Headers[header[..colon].Trim()] = header[(colon + 1)..].Trim();
                    break;
                case "-X" or "--method": method = reader.Value(arg); break;
                case "-d" or "--data": data = reader.Value(arg); break;
                case "--last-event-id": options.LastEventId = reader.Value(arg); break;
                case "--json": json = true; break;
                case "--read-timeout": options.ReadTimeout = TimeSpan.FromSeconds(reader.PositiveInt(arg)); break;
                case "--retry-server-errors": options.RetryServerErrors = true; break;
                case "--max-retries": options.MaxRetries = ReadMaxRetries(reader.Value(arg)); break;
                case "--resend": options.ResendNonIdempotentRequests = true; break;
                case "--max-line-length": (options.ParserOptions ??= new()).MaxLineLength = reader.PositiveInt(arg); break;
                case "--max-event-size": (options.ParserOptions ??= new()).MaxEventSize = reader.PositiveInt(arg); break;
                default:
                    if (arg.StartsWith('-') || url is not null)
                    {
                        throw new UsageException($"unexpected argument '{arg}'");
                    }

                    if (!Uri.TryCreate(arg, UriKind.Absolute, out url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
                    {
                        throw new UsageException($"'{arg}' is not an http or https URL");
                    }

                    break;
            }
        }

        if (url is null)
        {
            throw new UsageException("listen needs a URL");
        }

        if (data is not null)
        {
            byte[] body = LoadBody(data);
            bool hasContentType = options.Headers.ContainsKey("Content-Type");
            options.ContentFactory = () =>
            {
                var content = new ByteArrayContent(body);
                if (!hasContentType)
                {
                    content.Headers.ContentType = new("application/json");
                }

                return content;
            };
        }

        options.Method = new HttpMethod(method ?? (data is null ? "GET" : "POST"));
        if (options.LastEventId is { } id && id.AsSpan().IndexOfAny('\0', '\r', '\n') >= 0)
        {
            throw new UsageException("--last-event-id cannot contain NUL, CR or LF");
        }

        using var client = new SseClient(url, options);
        client.Opened += (_, e) => stderr.WriteLine($"sse: open ({(int)e.StatusCode} {e.Response.Content.Headers.ContentType})");
        client.Error += (_, e) => stderr.WriteLine($"sse: {Describe(e)}");
        client.ReconnectScheduled += (_, e) => stderr.WriteLine(
            $"sse: reconnecting in {e.Delay.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)} ms" + (e.LastEventId.Length == 0 ? string.Empty : $" (Last-Event-ID: {e.LastEventId})"));
        client.Closed += (_, e) => stderr.WriteLine(e.Reason switch
        {
            SseCloseReason.NoContent => "sse: closed (204 No Content)",
            SseCloseReason.Ended => $"sse: closed (the server ended the stream; a {options.Method} is not sent again without --resend)",
            _ => $"sse: closed ({e.Reason})",
        });

        await stderr.WriteLineAsync($"sse: connecting to {url}");
        using var output = new JsonLines(stdout);
        try
        {
            await foreach (SseEvent e in client.ReadAllAsync(cancellationToken))
            {
                if (json)
                {
                    output.WriteEvent(e);
                }
                else
                {
                    WriteText(stdout, e);
                }

                await output.FlushAsync(cancellationToken);
            }

            return SseCommand.ExitOk;
        }
        catch (SseConnectionException e)
        {
            await stdout.FlushAsync(CancellationToken.None);
            return e.Reason == SseFailureReason.LimitExceeded ? SseCommand.ExitDataError : SseCommand.ExitConnectionFailed;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return SseCommand.ExitCanceled;
        }
    }

    private static int? ReadMaxRetries(string value)
    {
        if (value == "unlimited")
        {
            return null;
        }

        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int retries))
        {
            throw new UsageException($"--max-retries needs a count (0 or more) or 'unlimited', not '{value}'");
        }

        return retries;
    }

    private static string Describe(SseErrorEventArgs e) => e.Reason switch
    {
        SseFailureReason.EndOfStream => "the server ended the stream",
        SseFailureReason.ReadTimeout => "read timeout: no bytes arrived",
        _ => $"error: {e.Exception?.Message ?? e.Reason.ToString()}",
    };

    /// <summary>Writes an event as an event-stream block would show it: <c>event:</c> and <c>id:</c> where they say something, then its data lines.</summary>
    private static void WriteText(Stream stdout, SseEvent e)
    {
        var text = new StringBuilder();
        if (!e.IsEventType("message"u8))
        {
            text.Append("event: ").Append(e.EventType).Append('\n');
        }

        if (!e.LastEventIdUtf8.IsEmpty)
        {
            text.Append("id: ").Append(e.LastEventId).Append('\n');
        }

        foreach (string line in e.GetDataString().Split('\n'))
        {
            text.Append("data: ").Append(line).Append('\n');
        }

        text.Append('\n');
        stdout.Write(Encoding.UTF8.GetBytes(text.ToString()));
    }

    private static byte[] LoadBody(string data)
    {
        if (!data.StartsWith('@'))
        {
            return Encoding.UTF8.GetBytes(data);
        }

        try
        {
            return File.ReadAllBytes(data[1..]);
        }
        catch (IOException e)
        {
            throw new UsageException($"cannot read '{data[1..]}': {e.Message}");
        }
    }
}

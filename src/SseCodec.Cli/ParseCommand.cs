namespace SseCodec.Cli;

/// <summary><c>sse parse [FILE|-] [--segment-size N] [--comments]</c>: the parser as a black box.</summary>
internal static class ParseCommand
{
    public static async Task<int> RunAsync(ReadOnlyMemory<string> args, Stream stdin, Stream stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        string? path = null;
        int segmentSize = 0;
        bool comments = false;
        var options = new SseParserOptions();

        var reader = new ArgumentReader(args.Span);
        while (reader.TryNext(out string arg))
        {
            switch (arg)
            {
                case "--segment-size": segmentSize = reader.PositiveInt(arg); break;
                case "--comments": comments = true; break;
                case "--max-line-length": options.MaxLineLength = reader.PositiveInt(arg); break;
                case "--max-event-size": options.MaxEventSize = reader.PositiveInt(arg); break;
                case "-": path = null; break;
                default:
                    if (arg.StartsWith('-') || path is not null)
                    {
                        throw new UsageException($"unexpected argument '{arg}'");
                    }

                    path = arg;
                    break;
            }
        }

        Stream input = CommandInput.Open(path, stdin);

        await using (input.ConfigureAwait(false))
        {
            using var output = new JsonLines(stdout);
            using var decoder = new SseDecoder(options);
            byte[] buffer = new byte[segmentSize > 0 ? segmentSize : 64 * 1024];
            try
            {
                while (true)
                {
                    // With --segment-size, every segment but the last has exactly N bytes, however the input arrives.
                    int read = segmentSize > 0
                        ? await input.ReadAtLeastAsync(buffer, segmentSize, throwOnEndOfStream: false, cancellationToken)
                        : await input.ReadAsync(buffer, cancellationToken);
                    if (read == 0)
                    {
                        break;
                    }

                    Feed(decoder, buffer.AsSpan(0, read), comments, output);
                    await output.FlushAsync(cancellationToken);
                }

                decoder.Complete();
            }
            catch (SseLimitExceededException e)
            {
                await output.FlushAsync(cancellationToken);
                await stderr.WriteLineAsync($"sse: {e.Message}");
                return SseCommand.ExitDataError;
            }
        }

        return SseCommand.ExitOk;
    }

    private static void Feed(SseDecoder decoder, ReadOnlySpan<byte> segment, bool comments, JsonLines output)
    {
        while (!segment.IsEmpty)
        {
            SseItemKind kind = decoder.ReadItem(segment, out int consumed);
            segment = segment.Slice(consumed);
            switch (kind)
            {
                case SseItemKind.Event:
                    output.WriteEvent(decoder.CurrentEvent);
                    break;
                case SseItemKind.ReconnectionTime:
                    output.WriteRetry(decoder.ReconnectionTime!.Value);
                    break;
                case SseItemKind.Comment when comments:
                    output.WriteComment(decoder.CurrentComment);
                    break;
            }
        }
    }
}

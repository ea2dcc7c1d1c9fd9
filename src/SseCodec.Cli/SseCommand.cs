namespace SseCodec.Cli;

/// <summary>The <c>sse</c> tool's entry point, with its streams passed in so tests can drive it.</summary>
internal static class SseCommand
{
    public const int ExitOk = 0;
    public const int ExitUsage = 1;
    public const int ExitDataError = 2;
    public const int ExitConnectionFailed = 3;

    /// <summary>Any other failure (an I/O error, a bug): one line on stderr names it.</summary>
    public const int ExitFailure = 4;

    /// <summary>Stopped by SIGINT (Ctrl+C) before the work was done: 128 + 2, as shells report it.</summary>
    public const int ExitCanceled = 130;

    /// <summary>Stopped by SIGTERM before the work was done: 128 + 15.</summary>
    public const int ExitTerminated = 143;

    private const string Usage = """
        sse: the SseCodec command-line tool for text/event-stream.

        Usage:
          sse parse [FILE|-] [--segment-size N] [--comments] [--max-line-length N] [--max-event-size N]
              Parse an event stream (stdin by default) and print one JSON object per line:
              {"type":T,"data":D,"id":I} per event, {"retry":N} per valid retry field,
              {"comment":C} per comment with --comments.

          sse encode [FILE|-]
              The inverse of parse: read JSON lines (stdin by default) and write the event stream to stdout.
              {"type":T,"data":D,"id":I,"retry":N} is an event (every field but data optional; id is written
              only where it changes the last event ID), {"id":I} alone an id-only block, {"retry":N} alone a
              retry line, {"comment":C} a comment. 'sse encode | sse parse' gives back parse's own output.

          sse listen URL [-H 'Name: value']... [--method M] [--data BODY|@FILE] [--last-event-id ID] [--json]
                         [--read-timeout SECONDS] [--retry-server-errors] [--max-line-length N] [--max-event-size N]
                         [--max-retries N|unlimited] [--resend]
              Connect to an event stream and print its events as they arrive (as event-stream blocks, or with
              --json as parse's {"type":T,"data":D,"id":I} lines), reconnecting as a browser's EventSource does:
              after the end of the body or a network error, waiting the server's retry (3 s by default) and
              sending Last-Event-ID. --data sends a body (POST unless --method says otherwise; Content-Type
              application/json unless -H sets one); a request other than GET, HEAD, OPTIONS, TRACE, PUT or
              DELETE is not sent again after the stream ends or drops unless --resend. --max-retries gives up
              (exit 3) after N reconnections in a row without an event (default 5). Connection state goes to stderr.

          sse serve [--urls URL] [--retry MS] [--heartbeat S] [--interval MS] [--stdin]
                    [--redis HOST:PORT [--stream NAME]]
              Serve an event stream at /events (default http://127.0.0.1:8080; a page at / shows it):
              a message every interval (default 1000 ms) carrying the time, ids counting up, kept in a
              history so a reconnecting client resumes through Last-Event-ID. With --stdin, each stdin line
              is broadcast as an event instead. --retry sends a retry line on connect; --heartbeat sets the
              idle time before a heartbeat comment (default 15 s). With --redis, the stream is the Redis
              Stream ssecodec:NAME (default sse-serve) shared by every sse serve given the same Redis and name:
              an event published by any reaches the clients of all, with one id sequence, and a client resumes on
              any of them. Ctrl+C (SIGINT) or SIGTERM ends every open stream, stops the server and exits 0.

          sse demo [--events N] [--size BYTES] [--no-reconnect] [--warmup MS | --no-warmup]
              Start the server on loopback and a client against it, stream N events (default 100000) through
              both, dropping and resuming the connection halfway through Last-Event-ID, and print what
              arrived, the rate and where the time went. Warm-up passes run first for MS (default 8000), so
              that the measured pass runs the JIT's optimized code, not its first, unoptimized one. Exits 2
              if an event is missing, repeated or out of order.

        Exit codes: 0 at the end of input (parse, encode), when the server ends the stream with 204 (listen)
        or when stopped by a signal (serve), 1 for a usage error (bad arguments, a file that cannot be read,
        an address that cannot be listened on), 2 when the stream breaks a limit (parse, listen), a line is not
        valid input (encode) or the demo saw a gap or a duplicate (demo), 3 when the connection fails (listen:
        a status other than 200 and 204, another content type, a refused redirect, or --max-retries ran out),
        4 for any other failure (named on stderr), 130 when stopped by SIGINT (Ctrl+C) and 143 by SIGTERM
        before the work was done.
        """;

    public static async Task<int> RunAsync(string[] args, Stream stdin, Stream stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            await stderr.WriteAsync(Usage);
            return args.Length == 0 ? ExitUsage : ExitOk;
        }

        try
        {
            return args[0] switch
            {
                "parse" => await ParseCommand.RunAsync(args.AsMemory(1), stdin, stdout, stderr, cancellationToken),
                "encode" => await EncodeCommand.RunAsync(args.AsMemory(1), stdin, stdout, stderr, cancellationToken),
                "serve" => await ServeCommand.RunAsync(args.AsMemory(1), stdin, stderr, cancellationToken),
                "demo" => await RunDemoAsync(args.AsMemory(1), stdout, stderr, cancellationToken),
                "listen" => await ListenCommand.RunAsync(args.AsMemory(1), stdout, stderr, cancellationToken),
                _ => throw new UsageException($"unknown command '{args[0]}'"),
            };
        }
        catch (UsageException e)
        {
            await stderr.WriteLineAsync(e.SuggestHelp ? $"sse: {e.Message.TrimEnd('.')}. Run 'sse --help' for usage." : $"sse: {e.Message}");
            return ExitUsage;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCanceled;
        }
        catch (Exception e)
        {
            // Whatever went wrong, the caller gets one line and a code, never a stack trace and an abort.
            TryWriteFailure(stderr, e);
            return ExitFailure;
        }
    }

    /// <summary>Writes one line naming a failure; a closed stderr is ignored, as there is nowhere left to report it.</summary>
    public static void TryWriteFailure(TextWriter stderr, Exception? exception)
    {
        string message = exception is null ? "unknown error" : $"{exception.Message.ReplaceLineEndings(" ")} ({exception.GetType().Name})";
        try
        {
            stderr.WriteLine($"sse: failed: {message}");
            stderr.Flush();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
        }
    }

    private static async Task<int> RunDemoAsync(ReadOnlyMemory<string> args, Stream stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var text = new StreamWriter(stdout, new System.Text.UTF8Encoding(false), leaveOpen: true) { AutoFlush = true };
        await using (text)
        {
            return await DemoCommand.RunAsync(args, text, stderr, cancellationToken);
        }
    }
}

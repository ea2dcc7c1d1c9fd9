using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace SseCodec.Testing;

/// <summary>
/// A real redis-server on 127.0.0.1 and a free port, started for a test and stopped after it. Ready when the server
/// says so on its output; killed (SIGKILL) and restarted on the same port when a test needs Redis to go away. With
/// persistence, every write is in its append-only file before Redis answers it (appendfsync always), so a restart
/// keeps everything Redis acknowledged.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    public const string Executable = "/usr/bin/redis-server";

    private readonly bool _persistent;
    private readonly string _directory;
    private Process? _process;

    private RedisServer(bool persistent)
    {
        _persistent = persistent;
        _directory = Directory.CreateTempSubdirectory("ssecodec-redis-").FullName;
    }

    public int Port { get; private set; }

    /// <summary>The StackExchange.Redis configuration string that reaches it.</summary>
    public string Configuration => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync(bool persistent = false)
    {
        if (!File.Exists(Executable))
        {
            throw new FileNotFoundException($"{Executable} is missing: install Debian's redis-server (apt-get install -y redis-server; .ci/run does).", Executable);
        }

        var server = new RedisServer(persistent);

        // A port picked free can be taken before redis-server binds it: then it exits, and another is picked.
        for (int attempt = 0; ; attempt++)
        {
            server.Port = FreePort();
            if (await server.LaunchAsync() || attempt == 4)
            {
                return server;
            }
        }
    }

    /// <summary>Kills the server at once, as a crash would, and waits until it is gone.</summary>
    public async Task KillAsync()
    {
        Process process = _process!;
        process.Kill();
        await process.WaitForExitAsync();
        process.Dispose();
        _process = null;
    }

    /// <summary>Starts the server again on the same port (and, when persistent, from the same files).</summary>
    public async Task RestartAsync()
    {
        if (!await LaunchAsync())
        {
            throw new InvalidOperationException($"redis-server did not start again on port {Port}.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await KillAsync();
        }

        Directory.Delete(_directory, recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts redis-server and waits for its "Ready to accept connections" line; false when it exited first.</summary>
    private async Task<bool> LaunchAsync()
    {
        var info = new ProcessStartInfo(Executable) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _directory };
        foreach (string arg in new[] { "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--dir", _directory, "--daemonize", "no" })
        {
            info.ArgumentList.Add(arg);
        }

        foreach (string arg in _persistent ? new[] { "--appendonly", "yes", "--appendfsync", "always" } : ["--appendonly", "no"])
        {
            info.ArgumentList.Add(arg);
        }

        var ready = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                ready.TrySetResult(false);
                return;
            }

            output.Enqueue(e.Data);
            if (e.Data.Contains("Ready to accept connections", StringComparison.Ordinal))
            {
                ready.TrySetResult(true);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                output.Enqueue(e.Data);
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        bool started;
        try
        {
            started = await ready.Task.WaitAsync(Eventually.HangGuard);
        }
        catch (TimeoutException)
        {
            process.Kill();
            throw new TimeoutException($"redis-server did not say it was ready within {Eventually.HangGuard.TotalSeconds} s, a hang: {string.Join('\n', output)}");
        }

        if (!started)
        {
            await process.WaitForExitAsync();
            process.Dispose();
            return false;
        }

        _process = process;
        return true;
    }
}

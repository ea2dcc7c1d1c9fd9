using System.Net;
using System.Net.Sockets;
using SseCodec.Cli;

namespace SseCodec.Cli.Tests;

/// <summary><c>sse serve</c> that cannot listen says where and why, and exits 1: no stack trace, no abort.</summary>
public sealed class CliStartupFailureTests
{
    private static async Task<(int Exit, string Stderr)> ServeAsync(params string[] args)
    {
        var stderr = new StringWriter();
        using var timeout = new CancellationTokenSource(Eventually.HangGuard);
        int exit = await SseCommand.RunAsync(["serve", .. args], Stream.Null, Stream.Null, stderr, timeout.Token);
        return (exit, stderr.ToString());
    }

    [Fact]
    public async Task A_port_in_use_exits_1_naming_the_address()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        string url = $"http://127.0.0.1:{((IPEndPoint)taken.LocalEndpoint).Port}";

        var (exit, stderr) = await ServeAsync("--urls", url);

        Assert.Equal(SseCommand.ExitUsage, exit);
        Assert.StartsWith($"sse: cannot listen on '{url}': ", stderr);
        Assert.Contains("address already in use", stderr, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("--help", stderr);
        Assert.Single(stderr.TrimEnd().Split('\n'));
    }

    [Fact]
    public async Task A_malformed_url_exits_1_naming_it()
    {
        var (exit, stderr) = await ServeAsync("--urls", "not-a-url");

        Assert.Equal(SseCommand.ExitUsage, exit);
        Assert.StartsWith("sse: cannot listen on 'not-a-url': ", stderr);
        Assert.Single(stderr.TrimEnd().Split('\n'));
    }

    [Fact]
    public async Task An_address_not_on_this_machine_exits_1_naming_it()
    {
        // 192.0.2.1 is TEST-NET-1 (RFC 5737): never a local address, so binding fails; no packet is sent.
        var (exit, stderr) = await ServeAsync("--urls", "http://192.0.2.1:0");

        Assert.Equal(SseCommand.ExitUsage, exit);
        Assert.StartsWith("sse: cannot listen on 'http://192.0.2.1:0': ", stderr);
        Assert.Single(stderr.TrimEnd().Split('\n'));
    }
}

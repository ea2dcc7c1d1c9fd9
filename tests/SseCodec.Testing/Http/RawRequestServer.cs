using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SseCodec.Testing;

/// <summary>
/// A loopback HTTP server for one request that keeps the request head's bytes exactly as they came (what Kestrel
/// would decode or refuse) and answers 204, which ends the client's stream.
/// </summary>
public sealed class RawRequestServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

    private RawRequestServer()
    {
        _listener.Start();
        Url = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/events");
        RequestHead = AcceptOneAsync();
    }

    public Uri Url { get; }

    /// <summary>The request line and headers, up to and including the blank line.</summary>
    public Task<byte[]> RequestHead { get; }

    public static RawRequestServer Start() => new();

    /// <summary>The raw value of a request header, or null.</summary>
    public static byte[]? HeaderValue(byte[] head, string name)
    {
        byte[] prefix = Encoding.ASCII.GetBytes($"\r\n{name}: ");
        int start = head.AsSpan().IndexOf(prefix);
        if (start < 0)
        {
            return null;
        }

        start += prefix.Length;
        int length = head.AsSpan(start).IndexOf("\r\n"u8);
        return head.AsSpan(start, length).ToArray();
    }

    public void Dispose() => _listener.Stop();

    private async Task<byte[]> AcceptOneAsync()
    {
        using TcpClient connection = await _listener.AcceptTcpClientAsync();
        NetworkStream stream = connection.GetStream();
        var head = new List<byte>();
        byte[] buffer = new byte[4096];
        while (head.Count < 4 || !head.TakeLast(4).SequenceEqual("\r\n\r\n"u8.ToArray()))
        {
            int read = await stream.ReadAsync(buffer.AsMemory(0, 1));
            if (read == 0)
            {
                break;
            }

            head.Add(buffer[0]);
        }

        await stream.WriteAsync("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray());
        return [.. head];
    }
}

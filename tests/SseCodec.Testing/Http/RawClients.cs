using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SseCodec.Testing;

/// <summary>Event stream clients on plain sockets, to play peers that read slowly or not at all.</summary>
public static class RawClients
{
    /// <summary>Connects to <paramref name="address"/> with a small receive buffer and sends a GET for <paramref name="path"/>; reads nothing.</summary>
    public static async Task<Socket> OpenAsync(Uri address, string path, string? lastEventId = null, int receiveBufferSize = 2048)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = receiveBufferSize };
        await socket.ConnectAsync(IPAddress.Loopback, address.Port);
        var request = new StringBuilder($"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n");
        if (lastEventId is not null)
        {
            request.Append("Last-Event-ID: ").Append(lastEventId).Append("\r\n");
        }

        await socket.SendAsync(Encoding.ASCII.GetBytes(request.Append("\r\n").ToString()));
        return socket;
    }

    /// <summary>Reads until <paramref name="marker"/> has arrived (and returns everything read), or the connection ends.</summary>
    public static async Task<string> ReadUntilAsync(Socket socket, string marker, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        byte[] buffer = new byte[1024];
        while (!text.ToString().Contains(marker, StringComparison.Ordinal))
        {
            int n = await socket.ReceiveAsync(buffer, cancellationToken);
            if (n == 0)
            {
                break;
            }

            text.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }

        return text.ToString();
    }

    /// <summary>Reads <paramref name="chunk"/> bytes at a time until the server ends the connection or <paramref name="limit"/> bytes came: a slow reader.</summary>
    public static async Task ReadSlowlyAsync(Socket socket, int chunk, long limit, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[chunk];
        long total = 0;
        try
        {
            int n;
            while (total < limit && (n = await socket.ReceiveAsync(buffer, cancellationToken)) > 0)
            {
                total += n;
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
        }
    }
}

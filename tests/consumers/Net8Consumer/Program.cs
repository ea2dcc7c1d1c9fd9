// Parses, encodes, and streams events from SseCodec.Server to SseCodec.Client over loopback, printing one line per
// step; the packaging tests compare the output with what each step must print.
using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text;
using SseCodec;
using SseCodec.Client;
using SseCodec.Server;

Console.WriteLine($"runtime {Environment.Version.Major}");

// Parse: the synchronous core over a span.
using (var decoder = new SseDecoder())
{
    byte[] stream = "event: greeting\ndata: hello\nid: 1\n\n"u8.ToArray();
    decoder.TryReadEvent(stream, out int consumed, out SseEvent parsed);
    Console.WriteLine($"parse {parsed.EventType} {parsed.GetDataString()} {parsed.LastEventId} {consumed}");
}

// Encode, then parse back.
var buffer = new ArrayBufferWriter<byte>();
SseEncoder.WriteEvent(buffer, "a\nb", eventType: "update", id: "42");
Console.WriteLine($"encode {Encoding.UTF8.GetString(buffer.WrittenSpan).Replace("\n", "\\n", StringComparison.Ordinal)}");

// Client and server on loopback: one HTTP/1.1 response whose body SseStreaming writes, read by SseClient.
using var listener = new TcpListener(IPAddress.Loopback, 0);
listener.Start();
var port = ((IPEndPoint)listener.LocalEndpoint).Port;

Task<SseStreamCompletion> serve = ServeOneAsync(listener);

var received = new List<string>();
using (var client = new SseClient(new Uri($"http://127.0.0.1:{port}/events")))
{
    await foreach (SseEvent e in client)
    {
        received.Add($"{e.EventType}:{e.GetDataString()}:{e.LastEventId}");
        if (received.Count == 3)
        {
            break;
        }
    }
}

Console.WriteLine($"client {string.Join(" ", received)}");
Console.WriteLine($"server {await serve}");
return 0;

static async Task<SseStreamCompletion> ServeOneAsync(TcpListener listener)
{
    using TcpClient connection = await listener.AcceptTcpClientAsync();
    NetworkStream network = connection.GetStream();

    // Read the request up to its blank line, so that closing the connection later does not reset it.
    var request = new StringBuilder();
    var one = new byte[1];
    while (!request.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await network.ReadAsync(one) == 1)
    {
        request.Append((char)one[0]);
    }

    await network.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n"u8.ToArray());
    return await SseStreaming.StreamAsync(network, static async (writer, cancellationToken) =>
    {
        for (int i = 1; i <= 3; i++)
        {
            await writer.WriteEventAsync($"event {i}", eventType: "tick", id: i.ToString(System.Globalization.CultureInfo.InvariantCulture), cancellationToken: cancellationToken);
        }
    });
}

using System.IO.Pipelines;
using System.Net.Sockets;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SseCodec.AspNetCore.Tests.Infrastructure;
using SseCodec.Server;

namespace SseCodec.AspNetCore.Tests;

/// <summary>
/// A client that goes away ends its stream as <see cref="SseStreamCompletion.Canceled"/>, told by the request's
/// aborted token or by the type of the exception the destination throws; a failure of the source is still thrown.
/// </summary>
public sealed class DisconnectTests
{
    private static readonly SseStreamOptions NoHeartbeat = new() { HeartbeatInterval = TimeSpan.Zero };

    private static readonly string Payload = new('x', 1000);

    /// <summary>Writes as fast as the connection takes them, until the stream's token ends it.</summary>
    private static async Task Flood(SseWriter writer, CancellationToken token)
    {
        for (long i = 0; ; i++)
        {
            await writer.WriteEventAsync(Payload, id: i.ToString(), cancellationToken: token);
        }
    }

    /// <summary>Reads until event 3 arrived, then closes with a zero linger: a reset, as from a client that crashed or lost its network.</summary>
    private static async Task ReadThenResetAsync(Socket socket)
    {
        using (socket)
        {
            using var patience = new CancellationTokenSource(Eventually.HangGuard);
            Assert.Contains("id: 3\n", await RawClients.ReadUntilAsync(socket, "id: 3\n", patience.Token), StringComparison.Ordinal);
            socket.LingerState = new LingerOption(enable: true, seconds: 0);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_client_that_resets_its_connection_mid_stream_ends_the_stream_as_a_disconnect_not_an_error(bool withRequestAborted)
    {
        var outcome = new TaskCompletionSource<SseStreamCompletion>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await LoopbackKestrel.StartAsync(app =>
            app.MapGet("/events", (RequestDelegate)(async c =>
            {
                c.Response.PrepareEventStream();
                try
                {
                    // Without the request's token, only the response's flush (its reader completed) tells that the client left.
                    outcome.TrySetResult(await SseStreaming.StreamAsync(c.Response.BodyWriter, Flood, NoHeartbeat, withRequestAborted ? c.RequestAborted : CancellationToken.None));
                }
                catch (Exception e)
                {
                    outcome.TrySetException(e);
                }
            })));

        await ReadThenResetAsync(await RawClients.OpenAsync(host.Address, "/events"));
        Assert.Equal(SseStreamCompletion.Canceled, await outcome.Task.WaitAsync(Eventually.HangGuard));
    }

    [Fact]
    public async Task A_client_that_resets_a_plain_socket_stream_ends_it_as_a_disconnect_through_the_IOException()
    {
        // A server that is not ASP.NET Core: a NetworkStream, no token. The reset shows only as the write's IOException.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 2048 };
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        using Socket accepted = await listener.AcceptSocketAsync();
        await using var stream = new NetworkStream(accepted, ownsSocket: false);
        Task<SseStreamCompletion> streaming = SseStreaming.StreamAsync(stream, Flood, NoHeartbeat);

        await ReadThenResetAsync(client);
        Assert.Equal(SseStreamCompletion.Canceled, await streaming.WaitAsync(Eventually.HangGuard));
    }

    [Theory]
    [InlineData(typeof(IOException))]
    [InlineData(typeof(ObjectDisposedException))]
    [InlineData(typeof(OperationCanceledException))]
    public async Task A_flush_that_fails_as_a_lost_connection_does_ends_the_stream_as_canceled(Type exceptionType)
    {
        var destination = new FailingPipeWriter(new Pipe().Writer, () => (Exception)Activator.CreateInstance(exceptionType, "the peer is gone")!);
        SseStreamCompletion completion = await SseStreaming.StreamAsync(destination, async (w, t) =>
        {
            destination.FailFromNow();
            await w.WriteEventAsync("lost", cancellationToken: t);
            Assert.Fail("the write after the failed flush went on");
        }, NoHeartbeat);
        Assert.Equal(SseStreamCompletion.Canceled, completion);
    }

    [Fact]
    public async Task A_flush_that_fails_otherwise_is_thrown()
    {
        var destination = new FailingPipeWriter(new Pipe().Writer, () => new InvalidOperationException("a bug, not a disconnect"));
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => SseStreaming.StreamAsync(destination, async (w, t) =>
        {
            destination.FailFromNow();
            await w.WriteEventAsync("x", cancellationToken: t);
        }, NoHeartbeat));
        Assert.Equal("a bug, not a disconnect", e.Message);
    }

    [Fact]
    public async Task The_sources_own_IOException_on_a_healthy_connection_is_thrown()
    {
        var pipe = new Pipe();
        await Assert.ThrowsAsync<IOException>(() => SseStreaming.StreamAsync(pipe.Writer, async (w, t) =>
        {
            await w.WriteEventAsync("before", cancellationToken: t);
            throw new IOException("the source's file is gone");
        }, NoHeartbeat));
        Assert.Equal("data: before\n\n", PipeText.ReadAvailable(pipe.Reader));
    }

    [Fact]
    public async Task A_hub_connection_whose_flush_fails_as_a_lost_connection_does_ends_as_canceled_and_leaves_the_hub()
    {
        await using var hub = new SseHub();
        var destination = new FailingPipeWriter(new Pipe().Writer, () => new IOException("connection reset"));
        Task<SseStreamCompletion> streaming = hub.StreamAsync(destination, options: NoHeartbeat);
        await hub.WaitForConnectionsAsync(1);
        destination.FailFromNow();
        hub.Publish("lost");
        Assert.Equal(SseStreamCompletion.Canceled, await streaming.WaitAsync(Eventually.HangGuard));
        Assert.Equal(0, hub.ConnectionCount);
        Assert.Equal(0, hub.OutstandingBuffers);
    }

    /// <summary>A destination whose flushes fail, as a transport's do once its peer is gone, from a moment the test picks.</summary>
    private sealed class FailingPipeWriter(PipeWriter inner, Func<Exception> failure) : PipeWriter
    {
        private volatile bool _failing;

        public void FailFromNow() => _failing = true;

        public override void Advance(int bytes) => inner.Advance(bytes);

        public override Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) =>
            _failing ? ValueTask.FromException<FlushResult>(failure()) : inner.FlushAsync(cancellationToken);
    }
}

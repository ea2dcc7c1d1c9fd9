using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SseCodec.Server;
using Xunit.Abstractions;

namespace SseCodec.AspNetCore.Tests;

[CollectionDefinition(nameof(ReplayMemoryTests), DisableParallelization = true)]
public sealed class ReplayMemoryRunsAlone;

/// <summary>
/// The stalled-replay attack: many clients ask for a long replay and never read it. The server's heap must stay bounded
/// per connection, whatever the history holds. Measured across the process, so this class runs alone.
/// SSE_REPLAY_ATTACK_CLIENTS and SSE_REPLAY_ATTACK_EVENTS scale it up for a measurement run.
/// </summary>
[Collection(nameof(ReplayMemoryTests))]
public sealed class ReplayMemoryTests(ITestOutputHelper output)
{
    private const long BoundPerConnection = 512 * 1024;

    [Theory]
    [InlineData("1", SseUnknownLastEventId.SendEvent)]
    [InlineData("not-in-the-history", SseUnknownLastEventId.SendEvent)]
    [InlineData("not-in-the-history", SseUnknownLastEventId.ReplayAll)]
    public async Task Clients_that_ask_for_a_long_replay_and_never_read_it_keep_the_server_heap_bounded(string lastEventId, SseUnknownLastEventId unknown)
    {
        // The replay must be larger than a loopback socket's send buffer (up to 4 MB here), or the kernel holds it all.
        int clients = Scale("SSE_REPLAY_ATTACK_CLIENTS", 30);
        int events = Scale("SSE_REPLAY_ATTACK_EVENTS", 8_000);
        var history = new SseMemoryEventHistory(capacity: events, maxBytes: long.MaxValue);
        await using var hub = new SseHub(new SseHubOptions { History = history, UnknownLastEventId = unknown, Name = "replay-attack-" + Guid.NewGuid() });
        await using var host = await LoopbackKestrel.StartAsync(app =>
            app.MapGet("/events", (RequestDelegate)(c => SseResults.Subscribe(hub, null, new SseStreamOptions { HeartbeatInterval = TimeSpan.Zero }).ExecuteAsync(c))));
        string data = new('k', 1000);
        for (int i = 1; i <= events; i++)
        {
            hub.Publish(data, id: i.ToString());
        }

        long before = Heap();
        var sockets = new List<Socket>();
        try
        {
            using var timeout = new CancellationTokenSource(Eventually.HangGuard);
            for (int i = 0; i < clients; i++)
            {
                Socket socket = await RawClients.OpenAsync(host.Address, "/events", lastEventId);
                sockets.Add(socket);

                // The first event's bytes: the server has started the replay (or answered). Then this client never reads again.
                await RawClients.ReadUntilAsync(socket, "data: ", timeout.Token);
            }

            long grown = Heap() - before;
            output.WriteLine($"{clients} stalled clients, history {events} x 1 KB, Last-Event-ID {lastEventId} ({unknown} if unknown): heap grew {grown / 1024.0 / 1024.0:F1} MB ({grown / clients / 1024} KB per connection)");
            Assert.Equal(clients, hub.ConnectionCount);
            Assert.InRange(grown, long.MinValue, clients * BoundPerConnection);
        }
        finally
        {
            foreach (Socket socket in sockets)
            {
                socket.Dispose();
            }
        }
    }

    private static long Heap()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static int Scale(string variable, int otherwise) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), out int value) && value > 0 ? value : otherwise;
}

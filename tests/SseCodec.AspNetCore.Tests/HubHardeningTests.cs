using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SseCodec.AspNetCore.Tests.Infrastructure;
using SseCodec.Server;

namespace SseCodec.AspNetCore.Tests;

/// <summary>The hub on a real Kestrel against peers that read slowly, stall, resume during a flood or probe the history.</summary>
public sealed class HubHardeningTests
{
    private static readonly SseStreamOptions NoHeartbeat = new() { HeartbeatInterval = TimeSpan.Zero };
    private static readonly TimeSpan Patience = Eventually.HangGuard;

    private static Task<LoopbackKestrel> ServeAsync(SseHub hub) =>
        LoopbackKestrel.StartAsync(app =>
        {
            app.MapGet("/events", (RequestDelegate)(c => SseResults.Subscribe(hub, null, NoHeartbeat).ExecuteAsync(c)));
            app.MapGet("/blue", (RequestDelegate)(c => SseResults.Subscribe(hub, ["blue"], NoHeartbeat).ExecuteAsync(c)));
        });

    [Theory]
    [InlineData(SseSlowClientPolicy.Disconnect, false)]
    [InlineData(SseSlowClientPolicy.Disconnect, true)]
    [InlineData(SseSlowClientPolicy.DropOldest, false)]
    [InlineData(SseSlowClientPolicy.DropOldest, true)]
    public async Task Each_slow_client_policy_survives_stalled_and_slow_readers_under_fast_publishers(SseSlowClientPolicy policy, bool withHistory)
    {
        const int Healthy = 2, Stalled = 5, Slow = 5, Publishers = 2, Rounds = 600, PerRound = 4;
        using var faults = new FaultRecorder();
        await using var hub = new SseHub(new SseHubOptions
        {
            QueueCapacity = 16,
            SlowClientPolicy = policy,
            History = withHistory ? new SseMemoryEventHistory(100_000, long.MaxValue) : null,
            Name = "policy-" + Guid.NewGuid(),
        });
        await using var host = await ServeAsync(hub);
        using var stopHealthy = new CancellationTokenSource();
        using var stopSlow = new CancellationTokenSource();

        // Healthy readers check that each publisher's events arrive whole and in order.
        var received = new Progress();
        var errors = new ConcurrentQueue<string>();
        var healthy = new List<Task>();
        for (int r = 0; r < Healthy; r++)
        {
            var (response, reader) = await Clients.OpenAsync(host.Client, "/events");
            healthy.Add(Task.Run(async () =>
            {
                using (response)
                using (reader)
                {
                    int[] next = new int[Publishers];
                    try
                    {
                        while (await reader.ReadAsync(stopHealthy.Token))
                        {
                            string[] parts = reader.Current.GetDataString().Split(':');
                            int p = int.Parse(parts[0]), n = int.Parse(parts[1]);
                            if (n != next[p])
                            {
                                errors.Enqueue($"publisher {p}: expected {next[p]}, got {n}");
                            }

                            next[p] = n + 1;
                            received.Add();
                        }

                        errors.Enqueue("a healthy reader's stream ended");
                    }
                    catch (Exception) when (stopHealthy.IsCancellationRequested)
                    {
                    }
                }
            }));
        }

        var stalled = new List<Socket>();
        for (int i = 0; i < Stalled; i++)
        {
            stalled.Add(await RawClients.OpenAsync(host.Address, "/events"));
        }

        // Slow, careless readers read a few bytes at a time, hang up after a while or when the server drops them, and
        // come back: connections end on both sides while events are published to them.
        int slowConnections = 0;
        Task[] slow = Enumerable.Range(0, Slow).Select(r => Task.Run(async () =>
        {
            for (int c = 0; !stopSlow.IsCancellationRequested; c++)
            {
                using Socket socket = await RawClients.OpenAsync(host.Address, "/events");
                Interlocked.Increment(ref slowConnections);
                await RawClients.ReadSlowlyAsync(socket, 7, 1024 << ((r + c) % 6), stopSlow.Token);
            }
        })).ToArray();

        await hub.WaitForConnectionsAsync(n => n >= Healthy + Stalled, $"at least {Healthy + Stalled}");
        string padding = new('x', 2000);
        for (int round = 0; round < Rounds; round++)
        {
            await Task.WhenAll(Enumerable.Range(0, Publishers).Select(p => Task.Run(() =>
            {
                for (int k = 0; k < PerRound; k++)
                {
                    int n = (round * PerRound) + k;
                    hub.Publish($"{p}:{n}:{padding}", id: $"{p}-{n}");
                }
            })));

            // Publishers wait for the healthy readers only, so the slow and stalled ones fall behind.
            await received.WhenAtLeast((long)(round + 1) * Publishers * PerRound * Healthy).WaitAsync(Patience);
        }

        Assert.Empty(errors);
        Assert.Equal((long)Rounds * Publishers * PerRound * Healthy, received.Value);
        await stopSlow.CancelAsync();
        await Task.WhenAll(slow);
        Assert.True(slowConnections >= Slow);

        // Without a history, Disconnect drops the stalled readers; otherwise they stay, bounded.
        int expected = policy == SseSlowClientPolicy.Disconnect && !withHistory ? Healthy : Healthy + Stalled;
        await hub.WaitForConnectionsAsync(expected);
        Assert.InRange(hub.OutstandingBuffers, 0, (Healthy + Stalled) * 16);

        foreach (Socket socket in stalled)
        {
            socket.Dispose();
        }

        await stopHealthy.CancelAsync();
        await Task.WhenAll(healthy).WaitAsync(Patience);
        await hub.WaitForConnectionsAsync(0);
        Assert.Equal(0, hub.OutstandingBuffers);
        Assert.Empty(faults.Faults);
    }

    [Fact]
    public async Task A_client_resuming_during_a_publish_flood_gets_every_event_once_and_in_order()
    {
        const int ResumeAfter = 1_000, Lead = 50_000, Wanted = 30_000;
        var history = new SseMemoryEventHistory(capacity: 200_000, maxBytes: long.MaxValue);
        await using var hub = new SseHub(new SseHubOptions { History = history, QueueCapacity = 64, MaxReplayBytes = long.MaxValue, Name = "flood-" + Guid.NewGuid() });
        await using var host = await ServeAsync(hub);
        var published = new Progress();
        var received = new Progress();
        using var stop = new CancellationTokenSource();

        // A flood: as fast as the hub takes it, held back only so the history keeps everything the test checks.
        Task<int> publisher = Task.Run(async () =>
        {
            int n = 0;
            while (!stop.IsCancellationRequested)
            {
                n++;
                hub.Publish($"event {n}", id: n.ToString());
                published.Add();
                if (n % 1_000 == 0 && n > ResumeAfter + Lead)
                {
                    // Stopping ends this wait too: the reader stops reading once it asks the publisher to stop.
                    try
                    {
                        await received.WhenAtLeast(n - ResumeAfter - Lead).WaitAsync(Patience, stop.Token);
                    }
                    catch (OperationCanceledException) when (stop.IsCancellationRequested)
                    {
                        break;
                    }
                }
            }

            return n;
        });

        await published.WhenAtLeast(ResumeAfter + 5_000).WaitAsync(Patience);
        var (response, reader) = await Clients.OpenAsync(host.Client, "/events", lastEventId: ResumeAfter.ToString());
        using (response)
        using (reader)
        {
            using var timeout = new CancellationTokenSource(Patience);
            int expected = ResumeAfter + 1;
            int last = int.MaxValue;
            while (expected <= last)
            {
                Assert.True(await reader.ReadAsync(timeout.Token), $"the stream ended before event {expected}");
                Assert.Equal(expected.ToString(), reader.Current.LastEventId);
                expected++;
                received.Add();
                if (received.Value == Wanted)
                {
                    await stop.CancelAsync();
                    last = await publisher;
                }
            }

            Assert.True(last > ResumeAfter + Wanted);
        }
    }

    [Fact]
    public async Task An_unknown_last_event_id_gets_the_not_found_event_and_no_replay()
    {
        await using var hub = new SseHub(new SseHubOptions { History = new SseMemoryEventHistory(100) });
        await using var host = await ServeAsync(hub);
        for (int i = 1; i <= 10; i++)
        {
            hub.Publish($"e{i}", id: i.ToString());
        }

        var (response, reader) = await Clients.OpenAsync(host.Client, "/events", lastEventId: "no-such-id");
        using (response)
        using (reader)
        {
            Assert.True(await reader.ReadAsync());
            Assert.Equal("last-event-id-unknown", reader.Current.EventType);
            Assert.Equal("Last-Event-ID not found", reader.Current.GetDataString());
            Assert.Equal("", reader.Current.LastEventId);
            hub.Publish("live", id: "11");
            Assert.Equal(new Received("message", "live", "11"), (await Clients.ReadAsync(reader, 1))[0]);
        }
    }

    [Fact]
    public async Task An_id_of_another_groups_event_is_answered_with_the_same_bytes_as_an_unknown_id()
    {
        await using var hub = new SseHub(new SseHubOptions { History = new SseMemoryEventHistory(100) });
        await using var host = await ServeAsync(hub);
        hub.Publish("before", id: "b0");
        hub.Publish("secret", id: "r1", group: "red");
        hub.Publish("after", id: "b2");

        using HttpResponseMessage probe = await OpenRawAsync(host, "/blue", "r1");
        using HttpResponseMessage unknown = await OpenRawAsync(host, "/blue", "never-published");
        await hub.WaitForConnectionsAsync(2);
        hub.Publish("live", id: "l3");

        string probed = await ReadUntilAsync(probe, "data: live\n");
        string answered = await ReadUntilAsync(unknown, "data: live\n");
        Assert.Equal(answered, probed);
        Assert.DoesNotContain("before", probed);
    }

    [Theory]
    [InlineData(SseUnknownLastEventId.SendComment, ": Last-Event-ID not found\n")]
    [InlineData(SseUnknownLastEventId.SendEvent, "event: gone\ndata: Last-Event-ID not found\n\n")]
    [InlineData(SseUnknownLastEventId.ReplayAll, "id: 1\ndata: e1\n\nid: 2\ndata: e2\n\n")]
    public async Task The_answer_to_an_unknown_id_is_chosen_in_the_options(SseUnknownLastEventId answer, string expectedStart)
    {
        await using var hub = new SseHub(new SseHubOptions { History = new SseMemoryEventHistory(100), UnknownLastEventId = answer, UnknownLastEventIdEventType = "gone" });
        await using var host = await ServeAsync(hub);
        hub.Publish("e1", id: "1");
        hub.Publish("e2", id: "2");

        using HttpResponseMessage response = await OpenRawAsync(host, "/events", "unknown");
        await hub.WaitForConnectionsAsync(1);
        hub.Publish("live", id: "3");
        string text = await ReadUntilAsync(response, "data: live\n");
        Assert.Equal(expectedStart + "id: 3\ndata: live\n\n", text);
    }

    [Fact]
    public async Task A_replay_past_its_byte_cap_ends_after_a_whole_event_and_the_client_resumes_with_nothing_lost()
    {
        const int MaxReplayBytes = 1_000;
        await using var hub = new SseHub(new SseHubOptions { History = new SseMemoryEventHistory(1_000), MaxReplayBytes = MaxReplayBytes });
        await using var host = await ServeAsync(hub);
        string padding = new('x', 100);
        for (int i = 1; i <= 100; i++)
        {
            hub.Publish($"{padding} {i}", id: i.ToString());
        }

        var ids = new List<string>();
        string lastId = "1";
        int connections = 0;
        using var timeout = new CancellationTokenSource(Patience);
        while (ids.Count < 99)
        {
            var (response, reader) = await Clients.OpenAsync(host.Client, "/events", lastId, timeout.Token);
            using (response)
            using (reader)
            {
                connections++;
                List<Received> chunk = await Clients.ReadAsync(reader, 99 - ids.Count, timeout.Token);
                Assert.NotEmpty(chunk);
                Assert.InRange(chunk.Sum(e => $"data: {e.Data}\nid: {e.Id}\n\n".Length), 1, MaxReplayBytes);
                ids.AddRange(chunk.Select(e => e.Id));
                lastId = ids[^1];
            }
        }

        Assert.Equal(Enumerable.Range(2, 99).Select(i => i.ToString()), ids);
        Assert.InRange(connections, 99 * 110 / MaxReplayBytes, 99);
    }

    private static async Task<HttpResponseMessage> OpenRawAsync(LoopbackKestrel host, string path, string lastEventId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Last-Event-ID", lastEventId);
        return await host.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    private static async Task<string> ReadUntilAsync(HttpResponseMessage response, string marker)
    {
        using var timeout = new CancellationTokenSource(Patience);
        Stream body = await response.Content.ReadAsStreamAsync(timeout.Token);
        var text = new StringBuilder();
        byte[] buffer = new byte[4096];
        while (!text.ToString().Contains(marker, StringComparison.Ordinal))
        {
            int n = await body.ReadAsync(buffer, timeout.Token);
            if (n == 0)
            {
                break;
            }

            text.Append(Encoding.UTF8.GetString(buffer, 0, n));
        }

        string all = text.ToString();
        int end = all.IndexOf(marker, StringComparison.Ordinal);
        int eventEnd = all.IndexOf("\n\n", end, StringComparison.Ordinal);
        return eventEnd < 0 ? all : all[..(eventEnd + 2)];
    }
}

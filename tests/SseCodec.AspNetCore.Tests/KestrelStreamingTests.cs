using System.Net.ServerSentEvents;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SseCodec.AspNetCore.Tests.Infrastructure;
using SseCodec.Server;

namespace SseCodec.AspNetCore.Tests;

public sealed record Tick(int N, string Label);

[JsonSerializable(typeof(Tick))]
internal sealed partial class TestJsonContext : JsonSerializerContext;

/// <summary>The adapter on a real Kestrel server on 127.0.0.1, read by SseCodec's parser and by SseParser.</summary>
public sealed class KestrelStreamingTests
{
    private static readonly SseStreamOptions NoHeartbeat = new() { HeartbeatInterval = TimeSpan.Zero };

    private static async IAsyncEnumerable<SseItem<string>> Items(int count, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (int i = 1; i <= count; i++)
        {
            await Task.Yield();
            yield return new SseItem<string>($"item {i}", i % 2 == 0 ? "even" : null) { EventId = i.ToString() };
        }
    }

    [Fact]
    public async Task An_async_enumerable_result_sets_the_headers_streams_every_item_and_ends_with_the_source()
    {
        await using var host = await LoopbackKestrel.StartAsync(app =>
            app.MapGet("/events", (RequestDelegate)(c => SseResults.Stream(SseSource.From(Items(50)), NoHeartbeat).ExecuteAsync(c))));

        var (response, reader) = await Clients.OpenAsync(host.Client, "/events");
        using (response)
        using (reader)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
            Assert.True(response.Headers.CacheControl?.NoCache);
            List<Received> events = await Clients.ReadAsync(reader);
            Assert.Equal(50, events.Count);
            Assert.Equal(new Received("message", "item 1", "1"), events[0]);
            Assert.Equal(new Received("even", "item 50", "50"), events[^1]);
        }
    }

    [Fact]
    public async Task A_channel_read_by_HttpClient_and_SseParser_arrives_whole()
    {
        var channel = Channel.CreateUnbounded<SseItem<string>>();
        await using var host = await LoopbackKestrel.StartAsync(app =>
            app.MapGet("/events", (RequestDelegate)(c => c.Response.WriteEventStreamAsync(SseSource.From(channel.Reader), NoHeartbeat))));

        Task<List<Received>> reading = Clients.ReadWithSseParserAsync(host.Client, "/events");
        for (int i = 0; i < 100; i++)
        {
            await channel.Writer.WriteAsync(new SseItem<string>($"line {i}\nsecond", "chan") { EventId = $"c{i}" });
        }

        channel.Writer.Complete();
        List<Received> events = await reading.WaitAsync(Eventually.HangGuard);
        Assert.Equal(100, events.Count);
        Assert.All(events, e => Assert.Equal("chan", e.Type));
        Assert.Equal("line 99\nsecond", events[^1].Data);
        Assert.Equal("c99", events[^1].Id);
    }

    [Fact]
    public async Task A_writer_callback_sends_typed_json_events_that_SseParser_reads()
    {
        await using var host = await LoopbackKestrel.StartAsync(app =>
            app.MapGet("/events", (RequestDelegate)(c => SseResults.Stream(async (writer, token) =>
            {
                for (int i = 0; i < 10; i++)
                {
                    await writer.WriteEventJsonAsync(new Tick(i, "t"), TestJsonContext.Default.Tick, "tick", i.ToString(), cancellationToken: token);
                }
            }, NoHeartbeat).ExecuteAsync(c))));

        List<Received> events = await Clients.ReadWithSseParserAsync(host.Client, "/events");
        Assert.Equal(10, events.Count);
        Assert.Equal(new Received("tick", """{"N":9,"Label":"t"}""", "9"), events[^1]);
    }

    [Fact]
    public async Task Json_items_with_a_type_info_round_trip()
    {
        static async IAsyncEnumerable<SseItem<Tick>> Ticks()
        {
            for (int i = 0; i < 5; i++)
            {
                await Task.Yield();
                yield return new SseItem<Tick>(new Tick(i, "j"), "tick");
            }
        }

        await using var host = await LoopbackKestrel.StartAsync(app =>
            app.MapGet("/events", (RequestDelegate)(c => SseResults.Stream(SseSource.From(Ticks(), TestJsonContext.Default.Tick), NoHeartbeat).ExecuteAsync(c))));

        var (response, reader) = await Clients.OpenAsync(host.Client, "/events");
        using (response)
        using (reader)
        {
            var ticks = new List<Tick?>();
            while (await reader.ReadAsync())
            {
                ticks.Add(reader.Current.GetDataFromJson(TestJsonContext.Default.Tick));
            }

            Assert.Equal(Enumerable.Range(0, 5).Select(i => new Tick(i, "j")), ticks);
        }
    }

    [Fact]
    public async Task Retry_is_sent_first_when_configured()
    {
        await using var host = await LoopbackKestrel.StartAsync(app =>
            app.MapGet("/events", (RequestDelegate)(c => SseResults.Stream(SseSource.From(Items(1)), new SseStreamOptions { ReconnectionTime = TimeSpan.FromMilliseconds(1500) }).ExecuteAsync(c))));

        var (response, reader) = await Clients.OpenAsync(host.Client, "/events");
        using (response)
        using (reader)
        {
            Assert.Equal(SseItemKind.ReconnectionTime, await reader.ReadItemAsync());
            Assert.Equal(TimeSpan.FromMilliseconds(1500), reader.ReconnectionTime);
            Assert.Equal(SseItemKind.Event, await reader.ReadItemAsync());
        }
    }

    [Fact]
    public async Task StopReconnecting_answers_204()
    {
        await using var host = await LoopbackKestrel.StartAsync(app =>
            app.MapGet("/events", (RequestDelegate)(c => SseResults.StopReconnecting().ExecuteAsync(c))));

        using HttpResponseMessage response = await host.Client.GetAsync("/events");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task Response_compression_leaves_the_stream_alone()
    {
        await using var host = await LoopbackKestrel.StartAsync(
            app =>
            {
                app.UseResponseCompression();
                app.MapGet("/events", (RequestDelegate)(c => SseResults.Stream(SseSource.From(Items(3)), NoHeartbeat).ExecuteAsync(c)));
            },
            services => services.AddResponseCompression(o => o.MimeTypes = ["text/event-stream"]));

        using var request = new HttpRequestMessage(HttpMethod.Get, "/events");
        request.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip, br");
        using HttpResponseMessage response = await host.Client.SendAsync(request);
        Assert.DoesNotContain("gzip", response.Content.Headers.ContentEncoding);
        Assert.DoesNotContain("br", response.Content.Headers.ContentEncoding);
        string body = await response.Content.ReadAsStringAsync();
        Assert.Contains("data: item 3\n\n", body);
    }

    [Fact]
    public async Task A_client_that_disconnects_ends_the_source_enumeration()
    {
        var ended = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        async IAsyncEnumerable<SseItem<string>> Endless([EnumeratorCancellation] CancellationToken token = default)
        {
            try
            {
                for (int i = 0; ; i++)
                {
                    yield return new SseItem<string>(i.ToString());
                    await Task.Yield();
                }
            }
            finally
            {
                ended.TrySetResult(true);
            }
        }

        var completion = new TaskCompletionSource<SseStreamCompletion>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await LoopbackKestrel.StartAsync(app =>
            app.MapGet("/events", (RequestDelegate)(async c =>
            {
                c.Response.PrepareEventStream();
                completion.TrySetResult(await SseStreaming.StreamAsync(c.Response.BodyWriter, SseSource.From(Endless()), NoHeartbeat, c.RequestAborted));
            })));

        var (response, reader) = await Clients.OpenAsync(host.Client, "/events");
        Assert.Equal(3, (await Clients.ReadAsync(reader, 3)).Count);
        reader.Dispose();
        response.Dispose();

        Assert.True(await ended.Task.WaitAsync(Eventually.HangGuard));
        Assert.Equal(SseStreamCompletion.Canceled, await completion.Task.WaitAsync(Eventually.HangGuard));
    }

    [Fact]
    public async Task Hub_connections_get_broadcasts_and_their_own_groups_only()
    {
        await using var hub = new SseHub();
        await using var host = await LoopbackKestrel.StartAsync(app =>
        {
            app.MapGet("/all", (RequestDelegate)(c => SseResults.Subscribe(hub, null, NoHeartbeat).ExecuteAsync(c)));
            app.MapGet("/red", (RequestDelegate)(c => SseResults.Subscribe(hub, ["red"], NoHeartbeat).ExecuteAsync(c)));
        });

        var (r1, all) = await Clients.OpenAsync(host.Client, "/all");
        var (r2, red) = await Clients.OpenAsync(host.Client, "/red");
        using (r1)
        using (r2)
        using (all)
        using (red)
        {
            await hub.WaitForConnectionsAsync(2);
            hub.Publish("to everyone", id: "1");
            hub.Publish("red only", "color", id: "2", group: "red");
            hub.Publish("blue only", "color", id: "3", group: "blue");
            hub.Publish("bye", id: "4");

            Assert.Equal(["to everyone", "bye"], (await Clients.ReadAsync(all, 2)).Select(e => e.Data));
            Assert.Equal(
                [new Received("message", "to everyone", "1"), new Received("color", "red only", "2"), new Received("message", "bye", "4")],
                await Clients.ReadAsync(red, 3));
        }

        await hub.WaitForConnectionsAsync(0);
        Assert.Equal(0, hub.OutstandingBuffers);
    }

    [Fact]
    public async Task A_reconnecting_client_gets_the_missed_events_then_live_ones()
    {
        await using var hub = new SseHub(new SseHubOptions { History = new SseMemoryEventHistory(100) });
        await using var host = await LoopbackKestrel.StartAsync(app =>
            app.MapGet("/events", (RequestDelegate)(c => SseResults.Subscribe(hub, null, NoHeartbeat).ExecuteAsync(c))));

        for (int i = 1; i <= 10; i++)
        {
            hub.Publish($"e{i}", id: i.ToString());
        }

        var (response, reader) = await Clients.OpenAsync(host.Client, "/events", lastEventId: "6");
        using (response)
        using (reader)
        {
            await hub.WaitForConnectionsAsync(1);
            hub.Publish("e11", id: "11");
            List<Received> events = await Clients.ReadAsync(reader, 5);
            Assert.Equal(["e7", "e8", "e9", "e10", "e11"], events.Select(e => e.Data));
            Assert.Equal("11", events[^1].Id);
        }
    }

    [Fact]
    public async Task Last_event_id_reaches_the_application()
    {
        await using var host = await LoopbackKestrel.StartAsync(app =>
            app.MapGet("/events", (RequestDelegate)(c =>
            {
                string? last = c.Request.GetLastEventId();
                return SseResults.Stream(async (w, t) => await w.WriteEventAsync(last ?? "(none)", cancellationToken: t), NoHeartbeat).ExecuteAsync(c);
            })));

        var (response, reader) = await Clients.OpenAsync(host.Client, "/events", lastEventId: "abc-42");
        using (response)
        using (reader)
        {
            Assert.Equal("abc-42", (await Clients.ReadAsync(reader, 1))[0].Data);
        }
    }
}

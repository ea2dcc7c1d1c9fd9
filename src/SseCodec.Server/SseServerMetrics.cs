using System.Diagnostics.Metrics;

namespace SseCodec.Server;

/// <summary>
/// The instruments of the <c>SseCodec.Server</c> meter, each tagged with the hub's name (<c>hub</c>):
/// <c>ssecodec.server.connections</c> (open hub connections), <c>ssecodec.server.events.published</c>,
/// <c>ssecodec.server.bytes.written</c> (event bytes written to connections), <c>ssecodec.server.events.dropped</c>
/// (events dropped from full queues), <c>ssecodec.server.slow_client.disconnects</c> and
/// <c>ssecodec.server.backplane.gaps</c> (times a hub's backplane delivered an event past a gap: events the shared
/// stream lost before this node read them).
/// </summary>
public static class SseServerMetrics
{
    /// <summary>The meter's name, for <c>MeterListener</c>, OpenTelemetry or <c>dotnet-counters</c>.</summary>
    public const string MeterName = "SseCodec.Server";

    internal static readonly Meter Meter = new(MeterName, "1.0");

    internal static readonly UpDownCounter<long> Connections =
        Meter.CreateUpDownCounter<long>("ssecodec.server.connections", "{connection}", "Open hub connections.");

    internal static readonly Counter<long> EventsPublished =
        Meter.CreateCounter<long>("ssecodec.server.events.published", "{event}", "Events published to a hub.");

    internal static readonly Counter<long> BytesWritten =
        Meter.CreateCounter<long>("ssecodec.server.bytes.written", "By", "Event bytes a hub wrote to its connections.");

    internal static readonly Counter<long> EventsDropped =
        Meter.CreateCounter<long>("ssecodec.server.events.dropped", "{event}", "Events dropped from full connection queues.");

    internal static readonly Counter<long> SlowClientDisconnects =
        Meter.CreateCounter<long>("ssecodec.server.slow_client.disconnects", "{connection}", "Connections dropped because their queue was full.");

    internal static readonly Counter<long> BackplaneGaps =
        Meter.CreateCounter<long>("ssecodec.server.backplane.gaps", "{gap}", "Gaps in a backplane's stream: events lost before this node read them.");
}

using System.Diagnostics.Metrics;

namespace SseCodec.Redis;

/// <summary>
/// The instruments of the <c>SseCodec.Redis</c> meter, each tagged with the stream's key (<c>stream</c>):
/// <c>ssecodec.redis.backplane.lag</c> (a histogram, in ms: from an event's append, by the publishing node's clock, to
/// its delivery by this node's reader), <c>ssecodec.redis.backplane.errors</c> (failed Redis calls, tagged
/// <c>operation</c>: <c>append</c>, <c>read</c> or <c>replay</c>), <c>ssecodec.redis.backplane.reconnects</c> (times
/// the reader read again after failing) and <c>ssecodec.redis.entries.malformed</c> (stream entries passed over).
/// </summary>
public static class SseRedisMetrics
{
    /// <summary>The meter's name, for <c>MeterListener</c>, OpenTelemetry or <c>dotnet-counters</c>.</summary>
    public const string MeterName = "SseCodec.Redis";

    internal static readonly Meter Meter = new(MeterName, "1.0");

    internal static readonly Histogram<double> Lag =
        Meter.CreateHistogram<double>("ssecodec.redis.backplane.lag", "ms", "From an event's append to its delivery by this node.");

    internal static readonly Counter<long> Errors =
        Meter.CreateCounter<long>("ssecodec.redis.backplane.errors", "{error}", "Redis calls of the backplane or history that failed.");

    internal static readonly Counter<long> Reconnects =
        Meter.CreateCounter<long>("ssecodec.redis.backplane.reconnects", "{reconnect}", "Times the reader read again after failing.");

    internal static readonly Counter<long> MalformedEntries =
        Meter.CreateCounter<long>("ssecodec.redis.entries.malformed", "{entry}", "Stream entries that were not events of this stream, passed over.");
}

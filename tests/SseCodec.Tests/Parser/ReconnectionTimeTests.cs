using System.Text;

namespace SseCodec.Tests.Parser;

/// <summary>
/// A <c>retry</c> field becomes an exact <see cref="TimeSpan"/> on every target. Before .NET 9,
/// <c>TimeSpan.FromMilliseconds</c> has only a double overload, which rounds values past 2^53 ticks: 922337203685477 ms
/// came out 336 ticks short on net8.0.
/// </summary>
public class ReconnectionTimeTests
{
    [Theory]
    [InlineData(0L)]
    [InlineData(1L)]
    [InlineData(2500L)]
    [InlineData(900719925474L)]    // ticks just past 2^53
    [InlineData(123456789012345L)]
    [InlineData(922337203685477L)] // the largest a TimeSpan holds
    public void Retry_milliseconds_become_exact_ticks(long milliseconds)
    {
        using var decoder = new SseDecoder();
        byte[] line = Encoding.ASCII.GetBytes($"retry: {milliseconds}\n");

        SseItemKind kind = decoder.ReadItem(line, out int consumed);

        Assert.Equal(SseItemKind.ReconnectionTime, kind);
        Assert.Equal(line.Length, consumed);
        Assert.Equal(milliseconds * TimeSpan.TicksPerMillisecond, decoder.ReconnectionTime!.Value.Ticks);
    }
}

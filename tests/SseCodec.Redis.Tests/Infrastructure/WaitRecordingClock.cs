using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace SseCodec.Redis.Tests.Infrastructure;

/// <summary>
/// A clock the test moves by hand that also says when a wait begins on it: the test can then advance it knowing the
/// wait is there to be ended, instead of racing the code that starts it.
/// </summary>
internal sealed class WaitRecordingClock : FakeTimeProvider
{
    private readonly Channel<bool> _waits = Channel.CreateUnbounded<bool>();

    /// <summary>One item per timer created, in order: each is a wait that has begun.</summary>
    public ChannelReader<bool> Waits => _waits.Reader;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ITimer timer = base.CreateTimer(callback, state, dueTime, period);
        _waits.Writer.TryWrite(true);
        return timer;
    }
}

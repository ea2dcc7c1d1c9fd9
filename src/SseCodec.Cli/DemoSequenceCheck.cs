using System.Globalization;

namespace SseCodec.Cli;

/// <summary>Checks that the demo's event IDs count up by one from 1: every event arrived once, in order.</summary>
internal sealed class DemoSequenceCheck
{
    /// <summary>The highest ID seen.</summary>
    public long LastId { get; private set; }

    /// <summary>IDs skipped: events that did not arrive (so far).</summary>
    public long Missing { get; private set; }

    /// <summary>Events whose ID was not above the last one (a repeat, or an older event) or not a number.</summary>
    public long Unexpected { get; private set; }

    /// <summary>Takes the next event's ID.</summary>
    /// <param name="utf8Id">The event's last event ID, as UTF-8.</param>
    public void Observe(ReadOnlySpan<byte> utf8Id)
    {
        if (long.TryParse(utf8Id, NumberStyles.None, CultureInfo.InvariantCulture, out long id) && id > LastId)
        {
            Missing += id - LastId - 1;
            LastId = id;
        }
        else
        {
            Unexpected++;
        }
    }
}

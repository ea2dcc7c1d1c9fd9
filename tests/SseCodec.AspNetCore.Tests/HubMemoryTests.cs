using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SseCodec.Server;

namespace SseCodec.AspNetCore.Tests;

/// <summary>What the hub's buffers cost: queued events in arrays of their own size.</summary>
public sealed class HubMemoryTests
{
    [Fact]
    public void A_small_event_is_handed_over_in_an_array_of_its_size_and_a_large_one_without_a_copy()
    {
        var writer = new PooledBufferWriter();
        byte[] small = Enumerable.Range(0, 60).Select(i => (byte)i).ToArray();
        writer.Write(small);
        byte[] handed = writer.TakeWritten(out int length);

        // The pool's size class for 60 bytes, not the 256-byte scratch the event was encoded into.
        Assert.Equal(60, length);
        Assert.Equal(64, handed.Length);
        Assert.Equal(small, handed.AsSpan(0, length).ToArray());

        byte[] large = new byte[200];
        large.AsSpan().Fill((byte)'x');
        writer.Write(large);
        Span<byte> scratch = writer.GetSpan(0);
        byte[] takenLarge = writer.TakeWritten(out length);

        // At least half of the scratch: the scratch itself changes hands.
        Assert.Equal(200, length);
        Assert.Equal(256, takenLarge.Length);
        Assert.Equal(large, takenLarge.AsSpan(0, length).ToArray());
        Assert.True(Unsafe.AreSame(ref MemoryMarshal.GetReference(scratch), ref takenLarge[200]));
    }
}

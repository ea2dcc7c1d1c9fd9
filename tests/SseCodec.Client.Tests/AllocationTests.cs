using System.Text;
using SseCodec.Client.Tests.Infrastructure;

namespace SseCodec.Client.Tests;

/// <summary>
/// After a connection opens, reading events through the client allocates nothing per event nor per read of the body.
/// The body comes from an in-memory handler in 4 KiB reads that complete at once, so every read runs on the test's
/// thread and <see cref="GC.GetAllocatedBytesForCurrentThread"/> sees all of it.
/// </summary>
public sealed class AllocationTests
{
    private const int EventCount = 10_000;

#if SSECODEC_NETSTANDARD
    // netstandard2.0's Stream reads asynchronously through Task<int> only: a task per 4 KiB read (about 250 reads, 72 B
    // each, and the wrappers of the read timeout's stream) is allowed; an allocation per event (24 B or more, 10,000
    // events) would still pass this bound many times over.
    private const long AllowedBytes = 64 * 1024;
#else
    // About 40 events per read: an allocation per event (24 B or more) or per read would pass this bound many times over.
    private const long AllowedBytes = 1024;
#endif

    public static TheoryData<bool, bool> Settings => new()
    {
        { false, false },
        { true, false },
        { false, true },
        { true, true },
    };

    [Theory]
    [MemberData(nameof(Settings))]
    public async Task Reading_events_allocates_nothing_per_event(bool commentHandler, bool readTimeout)
    {
        byte[] body = Body();
        using var http = new HttpClient(new InMemoryEventStream(body));
        var options = new SseClientOptions();
        if (readTimeout)
        {
            options.ReadTimeout = TimeSpan.FromSeconds(30);
        }

        // Runs twice to warm up, then keeps the least of three runs: a JIT tier-up may land in one run, a per-event
        // allocation shows in every run.
        await ReadAllButTheFirstAsync(http, options, commentHandler);
        await ReadAllButTheFirstAsync(http, options, commentHandler);
        long least = long.MaxValue;
        for (int run = 0; run < 3; run++)
        {
            least = Math.Min(least, await ReadAllButTheFirstAsync(http, options, commentHandler));
        }

        Assert.InRange(least, 0, AllowedBytes);
    }

    /// <summary>Opens a connection, reads its first event, then returns what reading the other events allocated.</summary>
    private static async Task<long> ReadAllButTheFirstAsync(HttpClient http, SseClientOptions options, bool commentHandler)
    {
        using var client = new SseClient(http, InMemoryEventStream.Url, options);
        if (commentHandler)
        {
            client.CommentReceived += (_, _) => { };
        }

        Assert.True(await client.ReadAsync());
        long before = GC.GetAllocatedBytesForCurrentThread();
        long dataBytes = 0;
        for (int i = 1; i < EventCount; i++)
        {
            // Not awaited while it completes at once, so the continuation stays on this thread.
            ValueTask<bool> read = client.ReadAsync();
            Assert.True(read.IsCompletedSuccessfully, "an in-memory read completes at once");
            Assert.True(read.Result);
            dataBytes += client.Current.Data.Length;
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(dataBytes > 0);
        return allocated;
    }

    private static byte[] Body()
    {
        var text = new StringBuilder();
        for (int i = 0; i < EventCount; i++)
        {
            text.Append("data: {\"id\":\"chatcmpl-9\",\"choices\":[{\"delta\":{\"content\":\"token ").Append(i).Append("\"}}]}\n\n");
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }
}

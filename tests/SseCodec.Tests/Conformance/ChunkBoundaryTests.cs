using SseCodec.Reference;

namespace SseCodec.Tests.Conformance;

/// <summary>Explicit chunk boundaries the conformance table covers through its split points, spelled out.</summary>
public class ChunkBoundaryTests
{
    private static readonly HarnessKind[] Harnesses = [HarnessKind.SequenceItems, HarnessKind.SpanEvents, HarnessKind.MemoryEvents, HarnessKind.ReaderItems];

    public static TheoryData<HarnessKind> AllHarnesses()
    {
        var rows = new TheoryData<HarnessKind>();
        foreach (HarnessKind harness in Harnesses)
        {
            rows.Add(harness);
        }

        return rows;
    }

    private static SseRecord.Event Ev(string data, string id = "") => new("message", data, id);

    private static void AssertRecords(HarnessKind harness, IReadOnlyList<byte[]> segments, params SseRecord[] expected)
    {
        var transcript = new SseTranscript(expected, "");
        Assert.Equal(Harness.IsEventsOnly(harness) ? transcript.EventsOnly() : transcript, Harness.Run(harness, segments));
    }

    [Theory]
    [MemberData(nameof(AllHarnesses))]
    public void BOM_split_over_three_chunks_is_skipped(HarnessKind harness) =>
        AssertRecords(harness, [[0xEF], [0xBB], [0xBF], "data: x\n\n"u8.ToArray()], Ev("x"));

    [Theory]
    [MemberData(nameof(AllHarnesses))]
    public void BOM_after_empty_chunks_is_skipped(HarnessKind harness) =>
        AssertRecords(harness, [[], [0xEF, 0xBB], [], [0xBF, (byte)':', (byte)'\n'], "data: x\n\n"u8.ToArray()], new SseRecord.Comment(""), Ev("x"));

    [Theory]
    [MemberData(nameof(AllHarnesses))]
    public void Partial_BOM_split_then_text_keeps_the_bytes(HarnessKind harness) =>
        AssertRecords(harness, [[0xEF], [0xBB], ": c\ndata: x\n\n"u8.ToArray()], Ev("x"));

    [Theory]
    [MemberData(nameof(AllHarnesses))]
    public void CR_ending_a_chunk_and_LF_starting_the_next_are_one_ending(HarnessKind harness) =>
        AssertRecords(harness, ["data: a\r"u8.ToArray(), "\ndata: b\r"u8.ToArray(), "\n\r"u8.ToArray(), "\n"u8.ToArray()], Ev("a\nb"));

    [Theory]
    [MemberData(nameof(AllHarnesses))]
    public void CR_ending_a_chunk_then_an_empty_chunk_then_LF_is_one_ending(HarnessKind harness) =>
        AssertRecords(harness, ["data: a\r"u8.ToArray(), [], "\ndata: b\r\n\r"u8.ToArray(), [], "\n"u8.ToArray()], Ev("a\nb"));

    [Theory]
    [MemberData(nameof(AllHarnesses))]
    public void CR_ending_a_chunk_then_CR_is_a_blank_line(HarnessKind harness) =>
        AssertRecords(harness, ["data: a\r"u8.ToArray(), "\rdata: b\r"u8.ToArray(), "\r"u8.ToArray()], Ev("a"), Ev("b"));

    [Fact]
    public void BOM_is_expected_again_after_Reset()
    {
        using var decoder = new SseDecoder();
        Assert.True(decoder.TryReadEvent("\uFEFFdata: a\n\n"u8, out _, out SseEvent e));
        Assert.Equal("a", e.GetDataString());
        decoder.Reset();
        Assert.True(decoder.TryReadEvent("\uFEFFdata: b\n\n"u8, out _, out e));
        Assert.Equal("b", e.GetDataString());
    }

    [Fact]
    public void Reset_discards_the_pending_id_and_keeps_the_committed_one()
    {
        using var decoder = new SseDecoder();
        byte[] input = "id: 1\ndata: a\n\nid: 2\ndata: b\n"u8.ToArray();
        Assert.True(decoder.TryReadEvent(input, out int consumed, out _));
        Assert.False(decoder.TryReadEvent(input.AsSpan(consumed), out _, out _));
        decoder.Reset();
        Assert.Equal("1", decoder.LastEventId);
        Assert.True(decoder.TryReadEvent("data: c\n\n"u8, out _, out SseEvent e));
        Assert.Equal("1", e.LastEventId);
    }
}

using System.Globalization;

namespace SseCodec.Reference.Oracles;

/// <summary>
/// Robustness under small limits: with <see cref="SseParserOptions.MaxLineLength"/> and
/// <see cref="SseParserOptions.MaxEventSize"/> chosen around the input's sizes and a <see cref="CountingArrayPool"/>,
/// the parser throws <see cref="SseLimitExceededException"/> exactly when <see cref="LimitModel"/> says a limit is
/// broken (and no other exception ever), naming the configured limit; the items delivered before it are a prefix of
/// the model's; the synchronous core and <see cref="SseReader"/> fail at the same byte offset; every pooled buffer is
/// returned; and the bytes rented at once never exceed what the limits allow, whatever the input's length.
/// </summary>
public static class RobustnessOracle
{
    /// <summary>
    /// The most bytes the decoder may hold for the given limits: six buffers (line, data, event type, dispatched type,
    /// id, last event ID), each no larger than its limit (the data buffer may be a former line buffer), and one more
    /// while a buffer grows and its contents are copied.
    /// </summary>
    public static long MemoryBound(int maxLineLength, int maxEventSize) =>
        2L * (Math.Max(maxEventSize, maxLineLength) + (5L * maxLineLength));

    /// <param name="input">The stream.</param>
    /// <param name="model">The model's transcript of the stream.</param>
    /// <param name="seed">Seeds the limits and segmentations.</param>
    public static string? Check(byte[] input, SseTranscript model, int seed)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(model);
        var random = new Random(seed);
        int maxLine = PickLimit(random, input.Length);
        int maxEvent = PickLimit(random, input.Length);
        string limits = string.Create(CultureInfo.InvariantCulture, $"MaxLineLength={maxLine} MaxEventSize={maxEvent}");
        bool mustFail = LimitModel.ExceedsLimits(input, maxLine, maxEvent);

        // The synchronous core over spans, capturing items as they come so a prefix can be checked after an error.
        var pool = new CountingArrayPool();
        var options = new SseParserOptions { MaxLineLength = maxLine, MaxEventSize = maxEvent, BufferPool = pool };
        Segmentation segmentation = Segmenter.Random(input, random.Next(), maxSize: random.Next(2) == 0 ? 3 : 64);
        var records = new List<SseRecord>();
        SseLimitExceededException? syncError = null;
        string lastEventId = "";
        using (var decoder = new SseDecoder(options))
        {
            try
            {
                foreach (byte[] segment in segmentation.Segments)
                {
                    int offset = 0;
                    SseItemKind kind;
                    do
                    {
                        kind = decoder.ReadItem(segment.AsSpan(offset), out int consumed);
                        offset += consumed;
                        if (kind != SseItemKind.None)
                        {
                            records.Add(Harness.CurrentRecord(decoder, kind));
                        }
                    }
                    while (kind != SseItemKind.None);
                }

                decoder.Complete();
                lastEventId = decoder.LastEventId;
            }
            catch (SseLimitExceededException e)
            {
                syncError = e;
            }
        }

        string where = $"({limits}, span items over {segmentation.Name})";
        if (CheckError(syncError, mustFail, maxLine, maxEvent, input.Length, where) is string errorFailure)
        {
            return errorFailure;
        }

        if (syncError is null)
        {
            var transcript = new SseTranscript(records, lastEventId);
            if (!transcript.Equals(model))
            {
                return $"the transcript under limits that are not broken differs from the model {where}\nexpected: {InputText.Describe(model)}\nactual:   {InputText.Describe(transcript)}";
            }
        }
        else if (records.Count > model.Records.Count || !records.SequenceEqual(model.Records.Take(records.Count)))
        {
            return $"the items delivered before the limit error are not a prefix of the model's {where}\nmodel:     {InputText.Describe(model)}\ndelivered: {InputText.Describe(new SseTranscript(records, ""))}";
        }

        if (pool.Outstanding != 0)
        {
            return $"{pool.Outstanding} pooled buffers ({pool.OutstandingBytes} bytes) left rented after dispose {where}";
        }

        long bound = MemoryBound(maxLine, maxEvent);
        if (pool.PeakBytes > bound)
        {
            return $"the decoder held {pool.PeakBytes} pooled bytes at once, over the bound {bound} for {limits} {where}";
        }

        // SseReader over a trickling pipe: the same outcome, the same offset, nothing left rented.
        var readerPool = new CountingArrayPool();
        var readerOptions = new SseParserOptions { MaxLineLength = maxLine, MaxEventSize = maxEvent, BufferPool = readerPool };
        int minSize = Math.Max(1, input.Length / 128);
        Segmentation trickle = Segmenter.Random(input, random.Next(), maxSize: minSize + random.Next(1, 16));
        SseLimitExceededException? readerError = null;
        SseTranscript? readerTranscript = null;
        try
        {
            readerTranscript = Harness.Run(HarnessKind.ReaderItems, trickle.Segments, readerOptions);
        }
        catch (SseLimitExceededException e)
        {
            readerError = e;
        }

        where = $"({limits}, SseReader over a pipe, {trickle.Name})";
        if (CheckError(readerError, mustFail, maxLine, maxEvent, input.Length, where) is string readerFailure)
        {
            return readerFailure;
        }

        if (readerError is not null && (readerError.LimitName != syncError!.LimitName || readerError.ByteOffset != syncError.ByteOffset))
        {
            return $"SseReader reports {readerError.LimitName} at {readerError.ByteOffset}, the span path {syncError.LimitName} at {syncError.ByteOffset} {where}";
        }

        if (readerTranscript is not null && !readerTranscript.Equals(model))
        {
            return $"the transcript under limits that are not broken differs from the model {where}\nexpected: {InputText.Describe(model)}\nactual:   {InputText.Describe(readerTranscript)}";
        }

        if (readerPool.Outstanding != 0)
        {
            return $"{readerPool.Outstanding} pooled buffers ({readerPool.OutstandingBytes} bytes) left rented after the reader was disposed {where}";
        }

        return readerPool.PeakBytes > bound
            ? $"the reader's decoder held {readerPool.PeakBytes} pooled bytes at once, over the bound {bound} {where}"
            : null;
    }

    private static string? CheckError(SseLimitExceededException? error, bool mustFail, int maxLine, int maxEvent, int inputLength, string where)
    {
        if (error is null)
        {
            return mustFail ? $"no limit error, but the stream breaks a limit {where}" : null;
        }

        if (!mustFail)
        {
            return $"a limit error ({error.Message}) for a stream within the limits {where}";
        }

        int expectedLimit = error.LimitName switch
        {
            nameof(SseParserOptions.MaxLineLength) => maxLine,
            nameof(SseParserOptions.MaxEventSize) => maxEvent,
            _ => -1,
        };
        if (error.Limit != expectedLimit)
        {
            return $"the limit error names {error.LimitName}={error.Limit}, not a configured limit {where}";
        }

        return error.ByteOffset < 0 || error.ByteOffset > inputLength
            ? $"the limit error's byte offset {error.ByteOffset} is outside the stream of {inputLength} bytes {where}"
            : null;
    }

    /// <summary>A limit around the input's size: tiny, small, or anywhere up to (and past) the whole input.</summary>
    private static int PickLimit(Random random, int inputLength) => random.Next(6) switch
    {
        0 => random.Next(1, 4),
        1 => random.Next(1, 65),
        2 => inputLength + 1,
        _ => random.Next(1, Math.Max(2, inputLength + 2)),
    };
}

using System.Buffers;
using System.IO.Pipelines;
using System.Text;

namespace SseCodec.Reference;

/// <summary>Which parser API a harness drives.</summary>
public enum HarnessKind
{
    /// <summary><see cref="SseDecoder.ReadItem(ReadOnlySpan{byte}, out int)"/>, one segment at a time; consumed bytes are overwritten after each call.</summary>
    SpanItems,

    /// <summary><see cref="SseDecoder.TryReadEvent(ReadOnlySpan{byte}, out int, out SseEvent)"/>, one segment at a time: events only.</summary>
    SpanEvents,

    /// <summary><see cref="SseDecoder.TryReadEvent(ReadOnlyMemory{byte}, out int, out SseEvent)"/>, one segment at a time: events only.</summary>
    MemoryEvents,

    /// <summary><see cref="SseDecoder.ReadItem(ref ReadOnlySequence{byte})"/> over one multi-segment sequence.</summary>
    SequenceItems,

    /// <summary><see cref="SseDecoder.TryReadEvent(ref ReadOnlySequence{byte}, out SseEvent)"/> over one multi-segment sequence: events only.</summary>
    SequenceEvents,

    /// <summary><see cref="SseReader.ReadItemAsync"/> over a pipe that receives one segment at a time.</summary>
    ReaderItems,

    /// <summary><see cref="SseReader.ReadAsync"/> over a pipe that receives one segment at a time: events only.</summary>
    ReaderEvents,

    /// <summary><see cref="SseReader.ReadItemAsync"/> over a <see cref="Stream"/> whose every read returns at most one segment.</summary>
    StreamItems,
}

/// <summary>
/// Runs the real parser over segmented input and returns what it produced as an <see cref="SseTranscript"/>,
/// comparable with <see cref="SpecModel.Parse"/>.
/// </summary>
public static class Harness
{
    private const byte Poison = 0xCC;

    /// <summary>Whether the harness reports only events (compare with <see cref="SseTranscript.EventsOnly"/>).</summary>
    public static bool IsEventsOnly(HarnessKind kind) =>
        kind is HarnessKind.SpanEvents or HarnessKind.MemoryEvents or HarnessKind.SequenceEvents or HarnessKind.ReaderEvents;

    /// <summary>Runs the harness of the given kind; the synchronous ones complete synchronously.</summary>
    public static ValueTask<SseTranscript> RunAsync(HarnessKind kind, IReadOnlyList<byte[]> segments, SseParserOptions? options = null, CancellationToken cancellationToken = default) =>
        kind switch
        {
            HarnessKind.SpanItems => new(RunSpans(segments, eventsOnly: false, options)),
            HarnessKind.SpanEvents => new(RunSpans(segments, eventsOnly: true, options)),
            HarnessKind.MemoryEvents => new(RunMemoryEvents(segments, options)),
            HarnessKind.SequenceItems => new(RunSequence(segments, eventsOnly: false, options)),
            HarnessKind.SequenceEvents => new(RunSequence(segments, eventsOnly: true, options)),
            HarnessKind.ReaderItems => new(RunReaderAsync(segments, eventsOnly: false, options, cancellationToken)),
            HarnessKind.ReaderEvents => new(RunReaderAsync(segments, eventsOnly: true, options, cancellationToken)),
            HarnessKind.StreamItems => new(RunStreamReaderAsync(segments, options, cancellationToken)),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };

    /// <summary>Runs a harness and blocks on the asynchronous ones.</summary>
    public static SseTranscript Run(HarnessKind kind, IReadOnlyList<byte[]> segments, SseParserOptions? options = null)
    {
        ValueTask<SseTranscript> run = RunAsync(kind, segments, options);
        return run.IsCompleted ? run.Result : run.AsTask().GetAwaiter().GetResult();
    }

    /// <summary>
    /// Feeds each segment as a span through <c>ReadItem</c> (or <c>TryReadEvent</c>) until it is consumed, then ends the
    /// stream. The segment is a private copy whose consumed bytes are overwritten after every call, as a caller
    /// reusing its buffer would do: the decoder must have kept what it needs.
    /// </summary>
    public static SseTranscript RunSpans(IReadOnlyList<byte[]> segments, bool eventsOnly = false, SseParserOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(segments);
        using var decoder = new SseDecoder(options);
        var records = new List<SseRecord>();
        foreach (byte[] segment in segments)
        {
            byte[] scratch = segment.ToArray();
            int offset = 0;
            while (true)
            {
                int consumed;
                SseItemKind kind;
                if (eventsOnly)
                {
                    kind = decoder.TryReadEvent(scratch.AsSpan(offset), out consumed, out SseEvent e) ? SseItemKind.Event : SseItemKind.None;
                    if (kind == SseItemKind.Event)
                    {
                        records.Add(ToRecord(e));
                    }
                }
                else
                {
                    kind = decoder.ReadItem(scratch.AsSpan(offset), out consumed);
                    if (kind != SseItemKind.None)
                    {
                        records.Add(CurrentRecord(decoder, kind));
                    }
                }

                CheckConsumed(consumed, scratch.Length - offset, kind);
                offset += consumed;
                // Only what this call consumed: what came before is already overwritten (refilling it made long runs quadratic).
                scratch.AsSpan(offset - consumed, consumed).Fill(Poison);
                if (kind == SseItemKind.None)
                {
                    break;
                }
            }
        }

        decoder.Complete();
        return new SseTranscript(records, decoder.LastEventId);
    }

    /// <summary>
    /// Feeds each segment as memory through <c>TryReadEvent</c> until it is consumed, then ends the stream. Consumed bytes
    /// are overwritten once the event read from them has been copied.
    /// </summary>
    public static SseTranscript RunMemoryEvents(IReadOnlyList<byte[]> segments, SseParserOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(segments);
        using var decoder = new SseDecoder(options);
        var records = new List<SseRecord>();
        foreach (byte[] segment in segments)
        {
            byte[] scratch = segment.ToArray();
            int offset = 0;
            while (true)
            {
                bool read = decoder.TryReadEvent(scratch.AsMemory(offset), out int consumed, out SseEvent e);
                if (read)
                {
                    records.Add(ToRecord(e));
                }

                CheckConsumed(consumed, scratch.Length - offset, read ? SseItemKind.Event : SseItemKind.None);
                offset += consumed;

                // The event (already copied) may point into the memory until the next read; consumed bytes are not needed after it.
                // Only what this call consumed: what came before is already overwritten (refilling it made long runs quadratic).
                scratch.AsSpan(offset - consumed, consumed).Fill(Poison);
                if (!read)
                {
                    break;
                }
            }
        }

        decoder.Complete();
        return new SseTranscript(records, decoder.LastEventId);
    }

    /// <summary>
    /// Builds one sequence from all the segments and reads it with <c>ReadItem(ref sequence)</c> (or <c>TryReadEvent</c>).
    /// Consumed bytes are overwritten once the item read from them has been copied.
    /// </summary>
    public static SseTranscript RunSequence(IReadOnlyList<byte[]> segments, bool eventsOnly = false, SseParserOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(segments);
        using var decoder = new SseDecoder(options);
        var records = new List<SseRecord>();
        byte[][] copies = segments.Select(s => s.ToArray()).ToArray();
        ReadOnlySequence<byte> sequence = Segmenter.ToSequence(copies);
        long total = sequence.Length;
        long limit = sequence.Length + 1;
        var poisoned = new PoisonedPrefix();
        while (true)
        {
            long before = sequence.Length;
            SseItemKind kind;
            if (eventsOnly)
            {
                kind = decoder.TryReadEvent(ref sequence, out SseEvent e) ? SseItemKind.Event : SseItemKind.None;
                if (kind == SseItemKind.Event)
                {
                    records.Add(ToRecord(e));
                }
            }
            else
            {
                kind = decoder.ReadItem(ref sequence);
                if (kind != SseItemKind.None)
                {
                    records.Add(CurrentRecord(decoder, kind));
                }
            }

            // The item has been copied: overwrite every consumed byte, which the decoder must no longer need.
            poisoned.Advance(copies, total - sequence.Length);
            if (kind == SseItemKind.None)
            {
                if (sequence.Length != 0)
                {
                    throw new InvalidOperationException($"The decoder returned None with {sequence.Length} bytes of the sequence left.");
                }

                break;
            }

            if (sequence.Length > before || --limit < 0)
            {
                throw new InvalidOperationException("The decoder does not make progress through the sequence.");
            }
        }

        decoder.Complete();
        return new SseTranscript(records, decoder.LastEventId);
    }

    /// <summary>
    /// Writes the segments into a pipe one at a time, each flushed on its own and, with a pause threshold of one byte,
    /// held back until the reader has consumed the previous one, while an <see cref="SseReader"/> reads items from it.
    /// </summary>
    public static async Task<SseTranscript> RunReaderAsync(IReadOnlyList<byte[]> segments, bool eventsOnly = false, SseParserOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(segments);
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 1, resumeWriterThreshold: 1, minimumSegmentSize: 16, useSynchronizationContext: false));
        Task writing = WriteAllAsync(pipe.Writer, segments, cancellationToken);
        SseTranscript transcript;
        await using (var reader = new SseReader(pipe.Reader, options))
        {
            transcript = await ReadAllAsync(reader, eventsOnly, cancellationToken).ConfigureAwait(false);
        }

        await writing.ConfigureAwait(false);
        return transcript;
    }

    /// <summary>Reads items with an <see cref="SseReader"/> over a stream that hands out one segment per read.</summary>
    public static async Task<SseTranscript> RunStreamReaderAsync(IReadOnlyList<byte[]> segments, SseParserOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(segments);
        await using var reader = new SseReader(new SegmentedStream(segments), options);
        return await ReadAllAsync(reader, eventsOnly: false, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<SseTranscript> ReadAllAsync(SseReader reader, bool eventsOnly, CancellationToken cancellationToken)
    {
        var records = new List<SseRecord>();
        while (true)
        {
            SseItemKind kind = eventsOnly
                ? (await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? SseItemKind.Event : SseItemKind.None)
                : await reader.ReadItemAsync(cancellationToken).ConfigureAwait(false);
            if (kind == SseItemKind.None)
            {
                return new SseTranscript(records, reader.LastEventId);
            }

            records.Add(kind switch
            {
                SseItemKind.Event => ToRecord(reader.Current),
                SseItemKind.Comment => new SseRecord.Comment(Encoding.UTF8.GetString(reader.CurrentComment)),
                SseItemKind.ReconnectionTime => RetryRecord(reader.ReconnectionTime),
                _ => throw new InvalidOperationException($"Unknown item kind {kind}."),
            });
        }
    }

    /// <summary>The record for the item a decoder's last read produced.</summary>
    public static SseRecord CurrentRecord(SseDecoder decoder, SseItemKind kind)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        return kind switch
        {
            SseItemKind.Event => ToRecord(decoder.CurrentEvent),
            SseItemKind.Comment => new SseRecord.Comment(Encoding.UTF8.GetString(decoder.CurrentComment)),
            SseItemKind.ReconnectionTime => RetryRecord(decoder.ReconnectionTime),
            _ => throw new InvalidOperationException($"Unknown item kind {kind}."),
        };
    }

    /// <summary>The record for an event (copied: the view dies at the next read).</summary>
    public static SseRecord.Event ToRecord(SseEvent sseEvent) =>
        new(sseEvent.EventType, sseEvent.GetDataString(), sseEvent.LastEventId);

    private static SseRecord.Retry RetryRecord(TimeSpan? reconnectionTime)
    {
        TimeSpan time = reconnectionTime ?? throw new InvalidOperationException("A ReconnectionTime item without a reconnection time.");
        if (time.Ticks % TimeSpan.TicksPerMillisecond != 0)
        {
            throw new InvalidOperationException($"The reconnection time {time} is not a whole number of milliseconds.");
        }

        return new SseRecord.Retry(time.Ticks / TimeSpan.TicksPerMillisecond);
    }

    /// <summary>
    /// How far the consumed bytes of a run's segments have been overwritten; each call overwrites only what was consumed
    /// since the last, so a run over many segments stays linear.
    /// </summary>
    private struct PoisonedPrefix
    {
        private int _segment;
        private int _offset;
        private long _count;

        public void Advance(byte[][] segments, long consumed)
        {
            long remaining = consumed - _count;
            while (remaining > 0 && _segment < segments.Length)
            {
                byte[] segment = segments[_segment];
                int length = (int)Math.Min(remaining, segment.Length - _offset);
                segment.AsSpan(_offset, length).Fill(Poison);
                _offset += length;
                _count += length;
                remaining -= length;
                if (_offset == segment.Length)
                {
                    _segment++;
                    _offset = 0;
                }
            }
        }
    }

    private static void CheckConsumed(int consumed, int available, SseItemKind kind)
    {
        if (consumed < 0 || consumed > available)
        {
            throw new InvalidOperationException($"The decoder reported {consumed} bytes consumed of {available}.");
        }

        if (kind == SseItemKind.None && consumed != available)
        {
            throw new InvalidOperationException($"The decoder returned None after consuming {consumed} of {available} bytes.");
        }
    }

    private static async Task WriteAllAsync(PipeWriter writer, IReadOnlyList<byte[]> segments, CancellationToken cancellationToken)
    {
        try
        {
            foreach (byte[] segment in segments)
            {
                FlushResult result = await writer.WriteAsync(segment, cancellationToken).ConfigureAwait(false);
                if (result.IsCompleted)
                {
                    return;
                }
            }
        }
        finally
        {
            await writer.CompleteAsync().ConfigureAwait(false);
        }
    }

    /// <summary>A read-only stream whose every read returns bytes of one segment only (empty segments are skipped).</summary>
    private sealed class SegmentedStream(IReadOnlyList<byte[]> segments) : Stream
    {
        private int _segment;
        private int _offset;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            while (_segment < segments.Count && _offset == segments[_segment].Length)
            {
                _segment++;
                _offset = 0;
            }

            if (_segment == segments.Count || buffer.IsEmpty)
            {
                return 0;
            }

            int count = Math.Min(buffer.Length, segments[_segment].Length - _offset);
            segments[_segment].AsSpan(_offset, count).CopyTo(buffer);
            _offset += count;
            return count;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            return Read(buffer.Span);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

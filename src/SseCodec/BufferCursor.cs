using System.Buffers;
using System.Text.Unicode;

namespace SseCodec;

/// <summary>
/// Writes bytes into an <see cref="IBufferWriter{T}"/> through one span at a time. An item that fits the first span
/// costs one <c>GetSpan</c> and one <c>Advance</c>; a larger one is written in spans of at most
/// <see cref="MaxSizeHint"/> bytes, each advanced when the next is needed.
/// </summary>
/// <remarks>
/// Nothing reaches the writer before the cursor needs a second span, or <see cref="Commit"/>: bytes in a span are the
/// writer's only once advanced. Callers check what they write before that point.
/// </remarks>
internal ref struct BufferCursor
{
    /// <summary>
    /// The largest size asked of the writer: the pooled block of a Kestrel or <see cref="System.IO.Pipelines.Pipe"/>
    /// writer, so that a span is never an unpooled array. A larger item is written in pieces.
    /// </summary>
    internal const int MaxSizeHint = 4096;

    private readonly IBufferWriter<byte> _writer;
    private Span<byte> _span;
    private int _position;
    private long _expectedRemaining;

    /// <param name="writer">The writer to write to.</param>
    /// <param name="expectedSize">
    /// How many bytes the item is expected to take: the size asked for the first span (at most
    /// <see cref="MaxSizeHint"/>) and, less what was written, for the next ones. It is a hint: an item may be larger.
    /// </param>
    /// <param name="minimumSize">The least room the first span must have.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public BufferCursor(IBufferWriter<byte> writer, long expectedSize, int minimumSize)
    {
        _writer = writer;
        _expectedRemaining = expectedSize;
        _span = writer.GetSpan(SizeHint(expectedSize, minimumSize));
    }

    /// <summary>A cursor that starts in <paramref name="span"/>, memory the caller already got from <paramref name="writer"/>.</summary>
    /// <inheritdoc cref="BufferCursor(IBufferWriter{byte}, long, int)"/>
    public BufferCursor(IBufferWriter<byte> writer, Span<byte> span, long expectedSize)
    {
        _writer = writer;
        _expectedRemaining = expectedSize;
        _span = span;
    }

    /// <summary>The bytes written into the current span, not yet advanced.</summary>
    public readonly int Pending => _position;

    /// <summary>The bytes left in the current span.</summary>
    public readonly int Room
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _span.Length - _position;
    }

    /// <summary>The first free byte of the current span; <see cref="Room"/> bytes from it may be written.</summary>
    public readonly ref byte Free
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ref Unsafe.Add(ref MemoryMarshal.GetReference(_span), _position);
    }

    /// <summary>The free part of the current span.</summary>
    public readonly Span<byte> FreeSpan
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _span.Slice(_position);
    }

    /// <summary>Marks <paramref name="count"/> bytes written at <see cref="Free"/> as part of the item.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Wrote(int count)
    {
        Debug.Assert((uint)count <= (uint)Room);
        _position += count;
    }

    /// <summary>Makes sure <see cref="Room"/> is at least <paramref name="size"/>, advancing the writer past what was written if a new span is needed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Ensure(int size)
    {
        if (Room < size)
        {
            this = Renewed(this, size);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Write(scoped ReadOnlySpan<byte> source)
    {
        if (source.Length <= Room)
        {
            source.CopyTo(FreeSpan);
            _position += source.Length;
        }
        else
        {
            this = WrittenInPieces(this, source);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteByte(byte value)
    {
        Ensure(1);
        Free = value;
        _position++;
    }

    /// <summary>Transcodes UTF-16 into the writer's memory; an unpaired surrogate becomes U+FFFD.</summary>
    public void WriteUtf16(scoped ReadOnlySpan<char> source)
    {
        while (true)
        {
            OperationStatus status = Utf8.FromUtf16(source, FreeSpan, out int read, out int written, replaceInvalidSequences: true, isFinalBlock: true);
            _position += written;
            if (status == OperationStatus.Done)
            {
                return;
            }

            Debug.Assert(status == OperationStatus.DestinationTooSmall);
            source = source.Slice(read);

            // A scalar takes at most 4 bytes: ask for room for at least one.
            Renew(4);
        }
    }

    /// <summary>Advances the writer past everything written through this cursor.</summary>
    public void Commit()
    {
        if (_position > 0)
        {
            _writer.Advance(_position);
        }

        _span = default;
        _position = 0;
    }

    /// <summary>What is expected, at most <see cref="MaxSizeHint"/>, and at least what is needed now.</summary>
    private static int SizeHint(long expected, int minimum) => Math.Max((int)Math.Clamp(expected, 0, MaxSizeHint), minimum);

    // The slow paths take and return the cursor by value, so that the hot paths' cursor is never address-taken and
    // its fields can live in registers.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static BufferCursor WrittenInPieces(BufferCursor cursor, scoped ReadOnlySpan<byte> source)
    {
        while (true)
        {
            int length = Math.Min(source.Length, cursor.Room);
            source.Slice(0, length).CopyTo(cursor.FreeSpan);
            cursor._position += length;
            source = source.Slice(length);
            if (source.IsEmpty)
            {
                return cursor;
            }

            cursor.Renew(1);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static BufferCursor Renewed(BufferCursor cursor, int minimum)
    {
        cursor.Renew(minimum);
        return cursor;
    }

    private void Renew(int minimum)
    {
        if (_position > 0)
        {
            _writer.Advance(_position);
            _expectedRemaining -= _position;
            _position = 0;
        }

        // Ask for what the item is still expected to take, so that a pipe does not open a block it will not fill;
        // past the expectation, for what the caller needs now.
        _span = _writer.GetSpan(SizeHint(_expectedRemaining, minimum));
    }
}

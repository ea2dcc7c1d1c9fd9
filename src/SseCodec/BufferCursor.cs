using System.Buffers;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Unicode;

namespace SseCodec;

/// <summary>
/// Writes bytes into an <see cref="IBufferWriter{T}"/> through one span at a time: it asks for the whole
/// (precomputed) size of an item up front, so a small item costs one <c>GetSpan</c> and one <c>Advance</c>.
/// </summary>
internal ref struct BufferCursor
{
    /// <summary>The largest size hint asked of the writer; a larger item is written in pieces of about this size.</summary>
    internal const int MaxSizeHint = 4096;

    private readonly IBufferWriter<byte> _writer;
    private Span<byte> _free;
    private int _buffered;
    private long _remaining;

    public BufferCursor(IBufferWriter<byte> writer, long totalSize)
    {
        Debug.Assert(totalSize > 0);
        _writer = writer;
        _remaining = totalSize;
        _free = writer.GetSpan((int)Math.Min(totalSize, MaxSizeHint));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Write(scoped ReadOnlySpan<byte> source)
    {
        if (source.Length <= _free.Length)
        {
            source.CopyTo(_free);
            _free = _free.Slice(source.Length);
            _buffered += source.Length;
        }
        else
        {
            WriteSlow(source);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteByte(byte value)
    {
        if (_free.IsEmpty)
        {
            Renew(1);
        }

        _free[0] = value;
        _free = _free.Slice(1);
        _buffered++;
    }

    /// <summary>Transcodes UTF-16 straight into the writer's memory; an unpaired surrogate becomes U+FFFD.</summary>
    public void WriteUtf16(scoped ReadOnlySpan<char> source)
    {
        while (true)
        {
            OperationStatus status = Utf8.FromUtf16(source, _free, out int read, out int written, replaceInvalidSequences: true, isFinalBlock: true);
            _free = _free.Slice(written);
            _buffered += written;
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

    /// <summary>Writes a non-negative integer in base ten.</summary>
    public void WriteDecimal(long value)
    {
        Span<byte> digits = stackalloc byte[20];
        bool formatted = value.TryFormat(digits, out int length, default, System.Globalization.CultureInfo.InvariantCulture);
        Debug.Assert(formatted);
        Write(digits.Slice(0, length));
    }

    /// <summary>Advances the writer past everything written through this cursor.</summary>
    public void Commit()
    {
        if (_buffered > 0)
        {
            _writer.Advance(_buffered);
            _remaining -= _buffered;
            _buffered = 0;
        }

        Debug.Assert(_remaining == 0, "The size computed for the item differs from what was written.");
        _free = default;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void WriteSlow(scoped ReadOnlySpan<byte> source)
    {
        while (true)
        {
            int length = Math.Min(source.Length, _free.Length);
            source.Slice(0, length).CopyTo(_free);
            _free = _free.Slice(length);
            _buffered += length;
            source = source.Slice(length);
            if (source.IsEmpty)
            {
                return;
            }

            Renew(1);
        }
    }

    private void Renew(int minimum)
    {
        _writer.Advance(_buffered);
        _remaining -= _buffered;
        _buffered = 0;
        int hint = (int)Math.Clamp(_remaining, minimum, MaxSizeHint);
        _free = _writer.GetSpan(hint);
    }
}

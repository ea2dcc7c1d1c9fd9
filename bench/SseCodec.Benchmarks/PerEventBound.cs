using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SseCodec.Benchmarks;

/// <summary>
/// The per-event bound: a bound, not a parser. <see cref="SpeedOfLightParser"/>'s pass, cut into one call per event
/// the way a pull API must be (a read returns at each dispatch with the event's place in the input, the caller slices
/// off what was consumed and reads the event's data through the reader), so it shows what a read per event costs at
/// least on this machine, before any of a real parser's work.
/// </summary>
/// <remarks>
/// It has every limitation of <see cref="SpeedOfLightParser"/> (no line kept across calls, no BOM, no limit, no
/// <c>id</c> or <c>retry</c>, nothing copied) and one more: a read is handed memory that starts at an event's first
/// line, which is where the previous read left off. An event's data is reported as its first data line's place and the
/// length of its lines joined, which is the data itself for the single-line events of most streams and the right length
/// for the others (a parser would join them in a buffer). It must never be used for anything but this comparison.
/// </remarks>
public sealed class PerEventBound
{
    private const int BlockSize = SpeedOfLightParser.BlockSize;
    private const int DefaultTypeLength = SpeedOfLightParser.DefaultTypeLength;

    private int _version;
    private int _dataStart;
    private int _dataLength;
    private int _typeLength;

    /// <summary>Reads every event of <paramref name="input"/> one call at a time and sums what <see cref="Readers"/> sum.</summary>
    public static long Checksum(ReadOnlyMemory<byte> input)
    {
        var reader = new PerEventBound();
        long total = 0;
        while (reader.TryRead(input.Span, out int consumed, out int version))
        {
            // What a caller does with an event: checks it is current and takes its data and type.
            if (version != reader._version)
            {
                throw new InvalidOperationException("Stale event.");
            }

            ReadOnlySpan<byte> data = input.Span.Slice(reader._dataStart, reader._dataLength);
            total += data.Length + reader._typeLength;
            input = input.Slice(consumed);
        }

        return total;
    }

    /// <summary>Finds the next dispatched event in <paramref name="input"/>, which starts at a line's start.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool TryRead(ReadOnlySpan<byte> input, out int consumed, out int version)
    {
        version = ++_version;
        ref byte start = ref MemoryMarshal.GetReference(input);
        int fullBlocksEnd = input.Length - (input.Length % BlockSize);
        int dataLength = 0;
        int dataStart = 0;
        bool hasData = false;
        int typeLength = DefaultTypeLength;
        int lineStart = 0;
        for (int block = 0; block < input.Length; block += BlockSize)
        {
            ulong ends = block < fullBlocksEnd
                ? SpeedOfLightParser.LineEnds(ref Unsafe.Add(ref start, block))
                : SpeedOfLightParser.LineEndsScalar(input.Slice(block));
            while (ends != 0)
            {
                int lineEnd = block + BitOperations.TrailingZeroCount(ends);
                ends &= ends - 1;
                if (lineEnd < lineStart)
                {
                    continue; // the LF of a CRLF
                }

                int line = lineStart;
                lineStart = lineEnd + 1;
                if (Unsafe.Add(ref start, lineEnd) == (byte)'\r' && lineStart < input.Length && Unsafe.Add(ref start, lineStart) == (byte)'\n')
                {
                    lineStart++;
                }

                int length = lineEnd - line;
                if (length == 0)
                {
                    if (hasData)
                    {
                        _dataStart = dataStart;
                        _dataLength = dataLength;
                        _typeLength = typeLength;
                        consumed = lineStart;
                        return true;
                    }

                    typeLength = DefaultTypeLength;
                    continue;
                }

                SpeedOfLightParser.LineField field = SpeedOfLightParser.Field(ref start, line, lineEnd, out int valueStart);
                if (field == SpeedOfLightParser.LineField.Data)
                {
                    if (hasData)
                    {
                        dataLength += 1 + (lineEnd - valueStart);
                    }
                    else
                    {
                        dataStart = valueStart;
                        dataLength = lineEnd - valueStart;
                        hasData = true;
                    }
                }
                else if (field == SpeedOfLightParser.LineField.Event)
                {
                    typeLength = lineEnd == valueStart ? DefaultTypeLength : lineEnd - valueStart;
                }
            }
        }

        consumed = input.Length;
        return false;
    }
}

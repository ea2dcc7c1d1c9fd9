namespace SseCodec.Reference;

/// <summary>
/// Which streams break the limits of <see cref="SseParserOptions"/>, computed plainly over bytes: a line longer than
/// <see cref="SseParserOptions.MaxLineLength"/> (terminated or not, its ending not counted, a leading BOM not part of it),
/// or an event whose data buffer (values joined by LF) grows past <see cref="SseParserOptions.MaxEventSize"/>
/// (dispatched or not).
/// </summary>
public static class LimitModel
{
    /// <summary>Whether reading the whole stream must end in an <see cref="SseLimitExceededException"/>.</summary>
    public static bool ExceedsLimits(ReadOnlySpan<byte> stream, int maxLineLength, int maxEventSize)
    {
        int start = stream.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;
        long dataSize = -1; // -1: no data line in the current event.
        var line = new List<byte>();
        for (int i = start; i <= stream.Length; i++)
        {
            bool end = i == stream.Length;
            byte b = end ? (byte)0 : stream[i];
            if (!end && b != '\r' && b != '\n')
            {
                line.Add(b);
                if (line.Count > maxLineLength)
                {
                    return true;
                }

                continue;
            }

            if (end)
            {
                // The unterminated line is discarded; its length was checked as it grew.
                break;
            }

            if (b == '\r' && i + 1 < stream.Length && stream[i + 1] == '\n')
            {
                i++;
            }

            if (line.Count == 0)
            {
                dataSize = -1;
            }
            else if (DataValueLength(line) is int valueLength)
            {
                dataSize = dataSize < 0 ? valueLength : dataSize + 1 + valueLength;
                if (dataSize > maxEventSize)
                {
                    return true;
                }
            }

            line.Clear();
        }

        return false;
    }

    /// <summary>The length of the value if the line is a <c>data</c> field, else <see langword="null"/>.</summary>
    private static int? DataValueLength(List<byte> line)
    {
        ReadOnlySpan<byte> name = "data"u8;
        if (line.Count < 4)
        {
            return null;
        }

        for (int i = 0; i < 4; i++)
        {
            if (line[i] != name[i])
            {
                return null;
            }
        }

        if (line.Count == 4)
        {
            return 0;
        }

        if (line[4] != ':')
        {
            return null;
        }

        int valueStart = line.Count > 5 && line[5] == ' ' ? 6 : 5;
        return line.Count - valueStart;
    }
}

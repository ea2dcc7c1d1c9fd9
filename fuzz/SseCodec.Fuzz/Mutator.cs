using System.Text;

namespace SseCodec.Fuzz;

/// <summary>
/// Byte-level mutation of corpus entries: bit flips, byte overwrites, insertions of interesting bytes and tokens,
/// deletions, duplications, splices with another entry, and line-ending rewrites.
/// </summary>
internal sealed class Mutator(IReadOnlyList<byte[]> corpus)
{
    private static readonly byte[] InterestingBytes = [(byte)'\r', (byte)'\n', (byte)':', (byte)' ', 0x00, 0xEF, 0xBB, 0xBF, 0xFF, 0x80, 0xC3, (byte)'0', (byte)'9', (byte)'a'];

    private static readonly byte[][] Tokens =
    [
        .. new[]
        {
            "data:", "data: ", "event:", "event: ", "id:", "id: ", "retry:", "retry: ", ":", ": ", "\r\n", "\r", "\n", "\n\n",
            "\r\r", "\n\r", "\r\n\r\n", "\uFEFF", "\0", "922337203685478", "9999999999999999999999", "message", "data\n\n",
        }.Select(Encoding.UTF8.GetBytes),
        [0xEF, 0xBB, 0xBF],
        [0xE2, 0x82],
        [0xED, 0xA0, 0x80],
    ];

    public int CorpusCount => corpus.Count;

    /// <summary>A mutated copy of a corpus entry (or of <paramref name="start"/> when given).</summary>
    public byte[] Mutate(Random random, byte[]? start = null)
    {
        var data = new List<byte>(start ?? corpus[random.Next(corpus.Count)]);
        int mutations = random.Next(1, random.Next(4) == 0 ? 16 : 5);
        for (int m = 0; m < mutations; m++)
        {
            MutateOnce(random, data);
        }

        return [.. data];
    }

    private void MutateOnce(Random random, List<byte> data)
    {
        int position = data.Count == 0 ? 0 : random.Next(data.Count + 1);
        switch (random.Next(10))
        {
            case 0 when data.Count > 0: // flip a bit
                position = random.Next(data.Count);
                data[position] ^= (byte)(1 << random.Next(8));
                break;
            case 1 when data.Count > 0: // overwrite with an interesting byte
                data[random.Next(data.Count)] = InterestingBytes[random.Next(InterestingBytes.Length)];
                break;
            case 2: // insert an interesting byte
                data.Insert(position, InterestingBytes[random.Next(InterestingBytes.Length)]);
                break;
            case 3: // insert a token
                data.InsertRange(position, Tokens[random.Next(Tokens.Length)]);
                break;
            case 4 when data.Count > 0: // delete a range
                position = random.Next(data.Count);
                data.RemoveRange(position, random.Next(1, Math.Min(16, data.Count - position) + 1));
                break;
            case 5 when data.Count > 0: // duplicate a range
                {
                    int start = random.Next(data.Count);
                    int length = random.Next(1, Math.Min(64, data.Count - start) + 1);
                    data.InsertRange(random.Next(data.Count + 1), data.GetRange(start, length));
                    break;
                }

            case 6: // splice: this entry's head with another entry's tail
                {
                    byte[] other = corpus[random.Next(corpus.Count)];
                    int cut = random.Next(other.Length + 1);
                    data.RemoveRange(position, data.Count - position);
                    data.AddRange(other.AsSpan(cut).ToArray());
                    break;
                }

            case 7: // insert a range of another entry
                {
                    byte[] other = corpus[random.Next(corpus.Count)];
                    int start = random.Next(other.Length + 1);
                    int length = random.Next(0, Math.Min(64, other.Length - start) + 1);
                    data.InsertRange(position, other.AsSpan(start, length).ToArray());
                    break;
                }

            case 8: // rewrite line endings: every LF as CR or CRLF, or every CR as LF
                RewriteLineEndings(random, data);
                break;
            default: // a random byte
                data.Insert(position, (byte)random.Next(256));
                break;
        }
    }

    private static void RewriteLineEndings(Random random, List<byte> data)
    {
        int style = random.Next(3);
        var output = new List<byte>(data.Count * 2);
        foreach (byte b in data)
        {
            if (style == 2 ? b != (byte)'\r' : b != (byte)'\n')
            {
                output.Add(b);
                continue;
            }

            switch (style)
            {
                case 0:
                    output.Add((byte)'\r');
                    break;
                case 1:
                    output.Add((byte)'\r');
                    output.Add((byte)'\n');
                    break;
                default:
                    output.Add((byte)'\n');
                    break;
            }
        }

        data.Clear();
        data.AddRange(output);
    }
}

using System.Buffers;
using System.IO.Pipelines;
using System.Text;

namespace SseCodec.Testing;

/// <summary>Reads what a stream wrote into a <see cref="Pipe"/> as text: waiting for it, or taking only what is there.</summary>
public static class PipeText
{
    /// <summary>Waits until at least <paramref name="length"/> characters arrived, and returns everything read.</summary>
    public static async Task<string> ReadAtLeastAsync(PipeReader reader, int length)
    {
        using var patience = new CancellationTokenSource(Eventually.HangGuard);
        var text = new StringBuilder();
        while (text.Length < length)
        {
            ReadResult result = await reader.ReadAsync(patience.Token);
            text.Append(Encoding.UTF8.GetString(result.Buffer.ToArray()));
            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                break;
            }
        }

        return text.ToString();
    }

    /// <summary>Returns what has arrived so far, without waiting.</summary>
    public static string ReadAvailable(PipeReader reader)
    {
        var text = new StringBuilder();
        while (reader.TryRead(out ReadResult result))
        {
            text.Append(Encoding.UTF8.GetString(result.Buffer.ToArray()));
            reader.AdvanceTo(result.Buffer.End);
            if (result.Buffer.IsEmpty || result.IsCompleted)
            {
                break;
            }
        }

        return text.ToString();
    }
}

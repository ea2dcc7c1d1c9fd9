using System.Text;

namespace SseCodec.Reference.Oracles;

/// <summary>Readable renderings of fuzz inputs for failure messages.</summary>
public static class InputText
{
    /// <summary>The bytes as an escaped Latin-1 string (every byte one character), cut after <paramref name="max"/> bytes.</summary>
    public static string Describe(ReadOnlySpan<byte> input, int max = 400)
    {
        string text = SseRecord.Escape(Encoding.Latin1.GetString(input.Length > max ? input[..max] : input));
        return input.Length > max ? $"{text}... ({input.Length} bytes)" : text;
    }

    /// <summary>The transcript's text, cut after <paramref name="max"/> characters.</summary>
    public static string Describe(SseTranscript transcript, int max = 1200)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        string text = transcript.ToString();
        return text.Length > max ? text[..max] + "..." : text;
    }
}

using System.Buffers;

namespace SseCodec.AflFuzz;

/// <summary>
/// A buffer writer as stingy as the <see cref="IBufferWriter{T}"/> contract allows: every span is exactly the size
/// asked for (one byte when nothing is asked), and a fresh one each time. Encoding into it reaches the encoder's
/// piecewise paths that <see cref="ArrayBufferWriter{T}"/>, which hands out room to spare, never does.
/// </summary>
internal sealed class ExactSizeBufferWriter : IBufferWriter<byte>
{
    private readonly List<byte> _written = [];
    private byte[] _current = [];

    public byte[] WrittenBytes => [.. _written];

    public void Advance(int count)
    {
        if (count < 0 || count > _current.Length)
        {
            throw new InvalidOperationException($"Advance({count}) past the {_current.Length} bytes handed out.");
        }

        _written.AddRange(_current.AsSpan(0, count));
        _current = [];
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        // A poisoned buffer, so a byte the encoder claims but never wrote shows in the comparison.
        _current = new byte[Math.Max(sizeHint, 1)];
        _current.AsSpan().Fill(0xCC);
        return _current;
    }

    public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;
}

using System.Buffers;

namespace SseCodec;

/// <summary>
/// Limits and resources for <see cref="SseDecoder"/> and <see cref="SseReader"/>.
/// </summary>
/// <remarks>
/// The limits bound the memory a parser may hold for one stream, whatever the peer sends:
/// at most <see cref="MaxLineLength"/> bytes for a line still waiting for its end, and
/// at most <see cref="MaxEventSize"/> bytes of data for an event still waiting for its blank line.
/// Both are checked before a buffer grows. An instance is read once, when a parser is created.
/// </remarks>
public sealed class SseParserOptions
{
    /// <summary>The default <see cref="MaxLineLength"/>: 4 MiB.</summary>
    public const int DefaultMaxLineLength = 4 * 1024 * 1024;

    /// <summary>The default <see cref="MaxEventSize"/>: 16 MiB.</summary>
    public const int DefaultMaxEventSize = 16 * 1024 * 1024;

    /// <summary>Options with every default; shared, never modified.</summary>
    internal static readonly SseParserOptions Default = new();

    private int _maxLineLength = DefaultMaxLineLength;
    private int _maxEventSize = DefaultMaxEventSize;

    /// <summary>
    /// The longest line accepted, in bytes, not counting its line ending. A longer line ends the stream
    /// with an <see cref="SseLimitExceededException"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int MaxLineLength
    {
        get => _maxLineLength;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _maxLineLength = value;
        }
    }

    /// <summary>
    /// The largest data buffer accepted for one event, in bytes: the values of its <c>data</c> lines
    /// and the line feeds that join them. A larger event ends the stream with an <see cref="SseLimitExceededException"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int MaxEventSize
    {
        get => _maxEventSize;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _maxEventSize = value;
        }
    }

    /// <summary>
    /// The pool the parser rents its buffers from; <see cref="ArrayPool{T}.Shared"/> when <see langword="null"/>.
    /// Every buffer rented is returned when the parser is disposed.
    /// </summary>
    public ArrayPool<byte>? BufferPool { get; set; }
}

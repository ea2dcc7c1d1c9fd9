namespace SseCodec.AflFuzz;

/// <summary>
/// How the target reads one afl-fuzz input: the first byte steers (which target, how the payload is cut into segments,
/// the seed for limits), the rest is the payload. Steering through the input rather than a random source keeps every
/// execution a pure function of its bytes, which afl-fuzz needs to tell new coverage from noise.
/// </summary>
/// <param name="Control">The first byte of the input (0 for an empty input).</param>
/// <param name="Payload">Everything after it: an event stream, or an encoder script for <see cref="EncoderScriptReader"/>.</param>
internal sealed record AflInput(byte Control, byte[] Payload)
{
    /// <summary>Splits an input into its control byte and payload.</summary>
    public static AflInput Parse(byte[] input) => input.Length == 0 ? new AflInput(0, []) : new AflInput(input[0], input[1..]);

    /// <summary>Bit 0: the payload is an encoder script (the encoder round trip) rather than an event stream.</summary>
    public bool IsEncoderScript => (Control & 1) != 0;

    /// <summary>Bits 1-2: how the decoder's input is cut into segments (see <see cref="DecoderTarget"/>).</summary>
    public int SegmentationMode => (Control >> 1) & 3;

    /// <summary>Bits 3-7: a segment size, a segmentation seed and the choice of events-only entry point.</summary>
    public int Parameter => Control >> 3;
}

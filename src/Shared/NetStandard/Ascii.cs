// netstandard2.0 only: the System.Text.Ascii methods this code calls (.NET 8 and later have them; neither
// Microsoft.Bcl.Memory nor the Polyfill source package provides them). Behaviour as documented for .NET's Ascii.
#if NETSTANDARD2_0
using System.Buffers;
using Microsoft.CodeAnalysis;

namespace System.Text;

[Embedded]
internal static class Ascii
{
    /// <summary>Whether every byte of <paramref name="value"/> is ASCII.</summary>
    public static bool IsValid(ReadOnlySpan<byte> value)
    {
        foreach (byte b in value)
        {
            if (b > 0x7F)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether <paramref name="left"/> and <paramref name="right"/> are the same ASCII text.</summary>
    public static bool Equals(ReadOnlySpan<byte> left, ReadOnlySpan<char> right)
    {
        if (left.Length != right.Length)
        {
            return false;
        }

        for (int i = 0; i < left.Length; i++)
        {
            if (left[i] > 0x7F || left[i] != right[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Copies ASCII chars to <paramref name="destination"/> as bytes up to the first non-ASCII char
    /// (<see cref="OperationStatus.InvalidData"/>) or the end of either span.
    /// </summary>
    public static OperationStatus FromUtf16(ReadOnlySpan<char> source, Span<byte> destination, out int bytesWritten)
    {
        int length = Math.Min(source.Length, destination.Length);
        for (int i = 0; i < length; i++)
        {
            char c = source[i];
            if (c > 0x7F)
            {
                bytesWritten = i;
                return OperationStatus.InvalidData;
            }

            destination[i] = (byte)c;
        }

        bytesWritten = length;
        return source.Length > destination.Length ? OperationStatus.DestinationTooSmall : OperationStatus.Done;
    }
}
#endif

// netstandard2.0 only: the few BCL APIs this code calls that neither netstandard2.0 with its packages
// (System.Memory, Microsoft.Bcl.Memory, Microsoft.Bcl.AsyncInterfaces) nor the Polyfill source package provide.
// Each matches the documented behaviour of the .NET API it stands in for, so call sites read the same on every
// target. Like Polyfill's types, these are [Embedded]: an assembly that sees this one's internals does not see them.
#if NETSTANDARD2_0
global using SseCodec.Polyfills;
using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

namespace SseCodec.Polyfills;

[Embedded]
internal static class NetStandardPolyfills
{
    extension(BitOperations)
    {
        /// <summary>The number of trailing zero bits in <paramref name="value"/>; 64 for zero.</summary>
        public static int TrailingZeroCount(ulong value)
        {
            if (value == 0)
            {
                return 64;
            }

            // The lowest set bit, isolated, times a de Bruijn sequence: its top six bits index the answer.
            return TrailingZeroCountDeBruijn[(int)(((value & (0 - value)) * 0x03F79D71B4CB0A89UL) >> 58)];
        }

        /// <summary>The number of trailing zero bits in <paramref name="value"/>; 32 for zero.</summary>
        public static int TrailingZeroCount(uint value) => value == 0 ? 32 : TrailingZeroCount((ulong)value);
    }

    private static ReadOnlySpan<byte> TrailingZeroCountDeBruijn =>
    [
        0, 1, 48, 2, 57, 49, 28, 3, 61, 58, 50, 42, 38, 29, 17, 4,
        62, 55, 59, 36, 53, 51, 43, 22, 45, 39, 33, 30, 24, 18, 12, 5,
        63, 47, 56, 27, 60, 41, 37, 16, 54, 35, 52, 21, 44, 32, 23, 11,
        46, 26, 40, 15, 34, 20, 31, 10, 25, 14, 19, 9, 13, 8, 7, 6,
    ];

    extension<T>(ReadOnlySpan<T> span)
        where T : IEquatable<T>
    {
        /// <summary>Whether <paramref name="span"/> holds <paramref name="value0"/> or <paramref name="value1"/>.</summary>
        public bool ContainsAny(T value0, T value1) => span.IndexOfAny(value0, value1) >= 0;

        /// <summary>Whether <paramref name="span"/> holds any of the three values.</summary>
        public bool ContainsAny(T value0, T value1, T value2) => span.IndexOfAny(value0, value1, value2) >= 0;
    }

    extension<T>(ReadOnlySequence<T> sequence)
    {
        /// <summary>The span of the first segment.</summary>
        public ReadOnlySpan<T> FirstSpan => sequence.First.Span;
    }

    extension(Task task)
    {
        /// <summary>Whether the task ran to completion.</summary>
        public bool IsCompletedSuccessfully => task.Status == TaskStatus.RanToCompletion;
    }

    extension(ValueTask)
    {
        /// <summary>A task canceled with <paramref name="cancellationToken"/>.</summary>
        public static ValueTask FromCanceled(CancellationToken cancellationToken) => new(Task.FromCanceled(cancellationToken));

        /// <summary>A task faulted with <paramref name="exception"/>.</summary>
        public static ValueTask FromException(Exception exception) => new(Task.FromException(exception));

        /// <summary>A task faulted with <paramref name="exception"/>.</summary>
        public static ValueTask<TResult> FromException<TResult>(Exception exception) => new(Task.FromException<TResult>(exception));
    }

    extension(Task)
    {
        /// <summary>A task that completes after <paramref name="delay"/> as <paramref name="timeProvider"/> measures it.</summary>
        public static Task Delay(TimeSpan delay, TimeProvider timeProvider, CancellationToken cancellationToken) =>
            timeProvider.Delay(delay, cancellationToken);
    }

    extension(Array)
    {
        /// <summary>The largest number of elements an array may hold (what .NET's <c>Array.MaxLength</c> returns).</summary>
        public static int MaxLength => 0x7FFFFFC7;

        /// <summary>Sets every element of <paramref name="array"/> to its default value.</summary>
        public static void Clear(Array array) => Array.Clear(array, 0, array.Length);
    }
}
#endif

using System.Text;
using CommunityToolkit.HighPerformance.Buffers;

namespace SseCodec;

/// <summary>
/// The strings for event types, shared by every decoder in the process, bounded whatever peers send.
/// </summary>
/// <remarks>
/// <para>
/// Event types are names a server picks from a short list ("completion.chunk", "content_block_delta"), so a pool lets
/// every connection find the string for a type it has seen before without allocating. A peer chooses the bytes,
/// though, so the pool holds only short types and only a fixed number of them: at most
/// <see cref="PoolSize"/> strings of at most <see cref="MaxPooledLength"/> characters, a few hundred KB in all. When the
/// pool is full, a new type evicts the least used one in its bucket.
/// </para>
/// <para>
/// The pool is SseCodec's own rather than <see cref="StringPool.Shared"/> (which holds 2,048 entries but any length),
/// so a peer's types neither push out the host application's strings nor grow with the application's use of it.
/// </para>
/// </remarks>
internal static class EventTypeStrings
{
    /// <summary>
    /// The longest event type pooled, in UTF-8 bytes. Real event types are identifiers of a few dozen bytes; 128 keeps
    /// every such name while capping a pooled string at 128 characters (about 280 bytes on the heap).
    /// </summary>
    public const int MaxPooledLength = 128;

    /// <summary>The number of strings the pool is asked to hold; it rounds up to a whole number of buckets (<see cref="StringPool.Size"/>).</summary>
    private const int RequestedPoolSize = 1024;

    private static readonly StringPool Pool = new(RequestedPoolSize);

    /// <summary>The most strings the pool holds at once.</summary>
    public static int PoolSize => Pool.Size;

    /// <summary>
    /// The string for an event type: from the pool when it is short (allocating only the first time it is seen, or
    /// after it was evicted), a new string otherwise, which is garbage once its decoder lets go of it.
    /// </summary>
    public static string Get(ReadOnlySpan<byte> utf8) =>
        utf8.Length <= MaxPooledLength ? Pool.GetOrAdd(utf8, Encoding.UTF8) : Encoding.UTF8.GetString(utf8);
}

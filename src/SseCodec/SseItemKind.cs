namespace SseCodec;

/// <summary>What a read produced.</summary>
public enum SseItemKind : byte
{
    /// <summary>Nothing: the input ran out (or, for <see cref="SseReader"/>, the stream ended).</summary>
    None = 0,

    /// <summary>An event was dispatched; see <see cref="SseDecoder.CurrentEvent"/>.</summary>
    Event = 1,

    /// <summary>A comment line was read; see <see cref="SseDecoder.CurrentComment"/>.</summary>
    Comment = 2,

    /// <summary>A valid <c>retry</c> field set the reconnection time; see <see cref="SseDecoder.ReconnectionTime"/>.</summary>
    ReconnectionTime = 3,
}

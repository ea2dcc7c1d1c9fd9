namespace SseCodec.Testing;

/// <summary>What a <see cref="ScriptedServer"/> saw of one request.</summary>
public sealed record RecordedRequest(
    int Index,
    string Method,
    string Path,
    string Protocol,
    string? Accept,
    string? CacheControl,
    string? LastEventId,
    bool HasLastEventId,
    string? ContentType,
    string Body,
    IReadOnlyDictionary<string, string> Headers);

namespace SseCodec.Client;

/// <summary>Makes <see cref="SseClient"/> instances over named <see cref="HttpClient"/>s from <c>IHttpClientFactory</c>.</summary>
public interface ISseClientFactory
{
    /// <summary>Creates a client over the named <see cref="HttpClient"/>; the caller disposes the client.</summary>
    /// <param name="name">The name given to <see cref="SseClientServiceCollectionExtensions.AddSseClient"/>.</param>
    /// <param name="url">The event stream's URL; relative to the named client's base address if not absolute.</param>
    /// <param name="options">Request and reconnection settings; the defaults when <see langword="null"/>.</param>
    SseClient CreateClient(string name, Uri url, SseClientOptions? options = null);
}

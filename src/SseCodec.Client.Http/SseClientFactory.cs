namespace SseCodec.Client;

/// <summary>The <see cref="ISseClientFactory"/> registered by <see cref="SseClientServiceCollectionExtensions.AddSseClient"/>.</summary>
internal sealed class SseClientFactory(IHttpClientFactory httpClientFactory) : ISseClientFactory
{
    public SseClient CreateClient(string name, Uri url, SseClientOptions? options = null) =>
        // IHttpClientFactory's clients are cheap wrappers over pooled handlers: the SseClient owns and disposes its wrapper.
        new(httpClientFactory.CreateClient(name), url, options, disposeHttpClient: true);
}

using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Http;

namespace SseCodec.Client.Tests;

/// <summary>
/// Redirects between two Kestrel listeners on different loopback ports, which are different origins: the caller's
/// headers and cookies go only to the stream's own origin.
/// </summary>
public sealed class RedirectTests
{
    private static readonly string[] CallerHeaders = ["X-Api-Key", "Cookie", "X-Token"];

    private static SseClientOptions WithSecrets(HttpMethod method)
    {
        var options = new SseClientOptions { ReconnectionTime = TimeSpan.Zero, Method = method, LastEventId = "7" };
        options.Headers["X-Api-Key"] = "secret-key";
        options.Headers["Cookie"] = "session=secret";
        options.ConfigureRequest = request => request.Headers.Add("X-Token", "secret-token");
        if (method != HttpMethod.Get)
        {
            options.ContentFactory = () => new StringContent("{\"prompt\":\"hi\"}");
        }

        return options;
    }

    private static Task RedirectAsync(HttpContext context, int status, Uri target)
    {
        context.Response.StatusCode = status;
        context.Response.Headers.Location = target.ToString();
        return Task.CompletedTask;
    }

    [Theory]
    [InlineData(301, "GET", "GET", "")]
    [InlineData(302, "GET", "GET", "")]
    [InlineData(303, "POST", "GET", "")]
    [InlineData(307, "POST", "POST", "{\"prompt\":\"hi\"}")]
    [InlineData(308, "GET", "GET", "")]
    public async Task A_redirect_to_another_origin_leaves_the_callers_headers_and_cookies_behind(int status, string method, string expectedMethod, string expectedBody)
    {
        await using var other = await ScriptedServer.StartAsync((context, index) => Sse.NoContent(context));
        await using var origin = await ScriptedServer.StartAsync((context, index) => RedirectAsync(context, status, other.Events));
        using var client = new SseClient(origin.Events, WithSecrets(new HttpMethod(method)));

        await Eventually.Within(Received.AllAsync(client), "the stream to end");

        RecordedRequest first = Assert.Single(origin.Requests);
        Assert.All(CallerHeaders, h => Assert.True(first.Headers.ContainsKey(h), $"{h} went to the stream's own origin"));
        RecordedRequest redirected = Assert.Single(other.Requests);
        Assert.All(CallerHeaders, h => Assert.False(redirected.Headers.ContainsKey(h), $"{h} leaked to {other.BaseAddress}"));
        Assert.Equal(expectedMethod, redirected.Method);
        Assert.Equal(expectedBody, redirected.Body);
        Assert.Equal("text/event-stream", redirected.Accept);
        Assert.Equal("7", redirected.LastEventId);
    }

    [Fact]
    public async Task Once_on_another_origin_the_chain_stays_without_the_callers_headers()
    {
        ScriptedServer? origin = null;
        await using var other = await ScriptedServer.StartAsync((context, index) => RedirectAsync(context, 302, new Uri(origin!.BaseAddress, "/back")));
        await using var originServer = await ScriptedServer.StartAsync((context, index) =>
            context.Request.Path == "/back" ? Sse.NoContent(context) : RedirectAsync(context, 302, other.Events));
        origin = originServer;
        using var client = new SseClient(origin.Events, WithSecrets(HttpMethod.Get));

        await Eventually.Within(Received.AllAsync(client), "the stream to end");

        IReadOnlyList<RecordedRequest> requests = origin.Requests;
        Assert.Equal(["/events", "/back"], requests.Select(r => r.Path));
        Assert.All(CallerHeaders, h => Assert.False(requests[1].Headers.ContainsKey(h), $"{h} came back after another origin"));
    }

    [Fact]
    public async Task A_same_origin_redirect_keeps_every_header()
    {
        await using var server = await ScriptedServer.StartAsync((context, index) =>
            context.Request.Path == "/start" ? RedirectAsync(context, 302, new Uri("/events", UriKind.Relative)) : Sse.NoContent(context));
        using var client = new SseClient(new Uri(server.BaseAddress, "/start"), WithSecrets(HttpMethod.Get));

        await Eventually.Within(Received.AllAsync(client), "the stream to end");

        IReadOnlyList<RecordedRequest> requests = server.Requests;
        Assert.Equal(["/start", "/events"], requests.Select(r => r.Path));
        Assert.All(requests, r => Assert.All(CallerHeaders, h => Assert.True(r.Headers.ContainsKey(h), $"{h} missing on {r.Path}")));
    }

    [Fact]
    public async Task A_caller_supplied_HttpClient_that_does_not_follow_redirects_gets_the_same_protection()
    {
        await using var other = await ScriptedServer.StartAsync((context, index) => Sse.NoContent(context));
        await using var origin = await ScriptedServer.StartAsync((context, index) => RedirectAsync(context, 307, other.Events));
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false });
        using var client = new SseClient(http, origin.Events, WithSecrets(HttpMethod.Get));

        await Eventually.Within(Received.AllAsync(client), "the stream to end");

        RecordedRequest redirected = Assert.Single(other.Requests);
        Assert.All(CallerHeaders, h => Assert.False(redirected.Headers.ContainsKey(h), $"{h} leaked to {other.BaseAddress}"));
    }

    [Fact]
    public async Task Redirects_are_bounded()
    {
        await using var server = await ScriptedServer.StartAsync((context, index) => RedirectAsync(context, 302, new Uri($"/loop/{index}", UriKind.Relative)));
        var options = WithSecrets(HttpMethod.Get);
        options.MaxRedirects = 3;
        using var client = new SseClient(server.Events, options);

        var failure = await Assert.ThrowsAsync<SseConnectionException>(() => Eventually.Within(Received.AllAsync(client), "the connection to fail"));

        Assert.Equal(SseFailureReason.RedirectRefused, failure.Reason);
        Assert.Equal(HttpStatusCode.Found, failure.StatusCode);
        Assert.Contains("MaxRedirects", failure.Message);
        Assert.Equal(4, server.RequestCount);
        Assert.Equal(SseReadyState.Closed, client.ReadyState);
    }

    [Fact]
    public async Task A_redirect_from_https_to_http_is_refused()
    {
        using X509Certificate2 certificate = CreateLoopbackCertificate();
        await using var plain = await ScriptedServer.StartAsync((context, index) => Sse.NoContent(context));
        await using var secure = await ScriptedServer.StartAsync(
            (context, index) => RedirectAsync(context, 302, plain.Events),
            certificate: certificate);
        using var http = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, cert, _, _) => cert?.GetCertHashString() == certificate.GetCertHashString() },
        });
        using var client = new SseClient(http, secure.Events, WithSecrets(HttpMethod.Get));

        var failure = await Assert.ThrowsAsync<SseConnectionException>(() => Eventually.Within(Received.AllAsync(client), "the connection to fail"));

        Assert.Equal(SseFailureReason.RedirectRefused, failure.Reason);
        Assert.Contains("from https to http", failure.Message);
        Assert.Equal(1, secure.RequestCount);
        Assert.Equal(0, plain.RequestCount);
    }

    private static X509Certificate2 CreateLoopbackCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using X509Certificate2 created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

        // Kestrel needs a certificate whose key it can use for TLS: a PKCS#12 round trip gives it one.
#if NET9_0_OR_GREATER
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);
#else
        // .NET 8 has no X509CertificateLoader (the constructor that does this is obsolete from .NET 9 on).
        return new X509Certificate2(created.Export(X509ContentType.Pfx), (string?)null);
#endif
    }
}

using System.Net;

namespace SseCodec.Client;

/// <summary>
/// The connection failed for good: the server answered with a status other than 200 and 204, with a content type
/// other than <c>text/event-stream</c> or a content coding the handler did not decode, the stream broke a parser limit,
/// a redirect was refused, the retries ran out, or a non-idempotent request broke off; <see cref="Reason"/> says which.
/// </summary>
/// <remarks>
/// It derives from <see cref="HttpRequestException"/>, whose <c>StatusCode</c> carries the response status, so code
/// that already handles failed HTTP calls handles it too. (netstandard2.0's HttpRequestException has no status: there
/// the exception declares its own <c>StatusCode</c>.)
/// </remarks>
public sealed class SseConnectionException : HttpRequestException
{
    /// <summary>Creates an exception with a default message.</summary>
    public SseConnectionException() : this("The event stream connection failed.") { }

    /// <summary>Creates an exception with a message.</summary>
    public SseConnectionException(string message) : base(message) { }

    /// <summary>Creates an exception with a message and an inner exception.</summary>
    public SseConnectionException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Creates an exception that describes a failed connection.</summary>
    /// <param name="reason">Why the connection failed.</param>
    /// <param name="statusCode">The response status, if a response arrived.</param>
    /// <param name="contentType">The response's <c>Content-Type</c> header value, if any.</param>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The exception behind the failure, if any.</param>
    public SseConnectionException(SseFailureReason reason, HttpStatusCode? statusCode, string? contentType, string message, Exception? innerException = null)
        : this(reason, statusCode, contentType, responseBody: null, message, innerException)
    {
    }

    /// <summary>Creates an exception that describes a failed connection, with the start of the failed response's body.</summary>
    /// <param name="reason">Why the connection failed.</param>
    /// <param name="statusCode">The response status, if a response arrived.</param>
    /// <param name="contentType">The response's <c>Content-Type</c> header value, if any.</param>
    /// <param name="responseBody">The start of the response's body as text, if it was read.</param>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The exception behind the failure, if any.</param>
    public SseConnectionException(SseFailureReason reason, HttpStatusCode? statusCode, string? contentType, string? responseBody, string message, Exception? innerException = null)
#if NET
        : base(message, innerException, statusCode)
#else
        : base(message, innerException)
#endif
    {
#if !NET
        StatusCode = statusCode;
#endif
        Reason = reason;
        ContentType = contentType;
        ResponseBody = responseBody;
    }

#if !NET
    /// <summary>The response status, if a response arrived.</summary>
    /// <remarks>netstandard2.0's <see cref="HttpRequestException"/> has no status: this build carries its own.</remarks>
    public HttpStatusCode? StatusCode { get; }
#endif

    /// <summary>Why the connection failed.</summary>
    public SseFailureReason Reason { get; }

    /// <summary>The response's <c>Content-Type</c> header value; <see langword="null"/> if it had none or no response arrived.</summary>
    public string? ContentType { get; }

    /// <summary>
    /// The start of a failed response's body as text, at most <see cref="SseClientOptions.MaxErrorBodyLength"/> bytes of it
    /// (decoded with the response's charset, UTF-8 when it names none); <see langword="null"/> when none was read.
    /// </summary>
    public string? ResponseBody { get; }
}

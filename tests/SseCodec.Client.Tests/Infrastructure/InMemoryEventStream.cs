using System.Net;

namespace SseCodec.Client.Tests.Infrastructure;

/// <summary>
/// An HTTP handler that answers every request with a 200 <c>text/event-stream</c> whose body is <paramref name="body"/>,
/// read at most 4 KiB at a time and at once (no socket): the whole read path runs on the reading thread.
/// </summary>
/// <param name="body">The body's bytes.</param>
/// <param name="endless"><see langword="true"/> to repeat <paramref name="body"/> forever, a server that never stops sending.</param>
internal sealed class InMemoryEventStream(byte[] body, bool endless = false) : HttpMessageHandler
{
    public static readonly Uri Url = new("http://in-memory/events");

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var content = new StreamContent(new SmallReadsStream(body, endless));
        content.Headers.ContentType = new("text/event-stream");
        return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = content, RequestMessage = request });
    }

    /// <summary>A read-only stream over bytes that returns at most 4 KiB per read, as a socket returns what arrived.</summary>
    private sealed class SmallReadsStream(byte[] bytes, bool endless) : Stream
    {
        private int _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (endless && _position == bytes.Length)
            {
                _position = 0;
            }

            int length = Math.Min(Math.Min(buffer.Length, 4096), bytes.Length - _position);
            bytes.AsSpan(_position, length).CopyTo(buffer);
            _position += length;
            return length;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            new(Read(buffer.Span));

        // The netstandard2.0 client reads through this overload (its Stream has no other): at once, like the one above.
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(buffer, offset, count));

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

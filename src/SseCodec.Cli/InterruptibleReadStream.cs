namespace SseCodec.Cli;

/// <summary>
/// Standard input whose reads a signal can interrupt. A read from a terminal or a pipe blocks in the operating system
/// and ignores its cancellation token, so <c>sse serve --stdin</c> or <c>sse parse -</c> waiting for a line would outlive
/// SIGTERM and Ctrl+C. Here the wait is canceled instead of the read: the read goes on into this stream's own buffer,
/// where a late result harms nothing, and the next read (if any) picks it up.
/// </summary>
internal sealed class InterruptibleReadStream(Stream inner) : ReadOnlyStream
{
    private readonly byte[] _buffer = new byte[64 * 1024];
    private Task<int>? _pendingRead;
    private int _start;
    private int _count;

    public override async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        if (destination.IsEmpty)
        {
            return 0;
        }

        if (_count == 0)
        {
            _pendingRead ??= inner.ReadAsync(_buffer, CancellationToken.None).AsTask();
            int read = await _pendingRead.WaitAsync(cancellationToken).ConfigureAwait(false);
            _pendingRead = null;
            _start = 0;
            _count = read;
            if (read == 0)
            {
                return 0;
            }
        }

        int taken = Math.Min(_count, destination.Length);
        _buffer.AsSpan(_start, taken).CopyTo(destination.Span);
        _start += taken;
        _count -= taken;
        return taken;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}

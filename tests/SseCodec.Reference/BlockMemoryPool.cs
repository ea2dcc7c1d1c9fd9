using System.Buffers;
using System.Collections.Concurrent;

namespace SseCodec.Reference;

/// <summary>
/// A memory pool of 4 KiB blocks that are reused without allocating, as Kestrel's own pool reuses them. A
/// <see cref="System.IO.Pipelines.Pipe"/> over <see cref="MemoryPool{T}.Shared"/> allocates a block wrapper, and often a
/// block, each time it refills after being drained: measured on a hub's connections, that was the only allocation
/// per delivery. Benchmarks and allocation tests use this pool so they measure the server code, not the test's pipe.
/// </summary>
public sealed class BlockMemoryPool : MemoryPool<byte>
{
    private const int BlockSize = 4096;

    private readonly ConcurrentQueue<Block> _free = new();

    public override int MaxBufferSize => BlockSize;

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, BlockSize);
        return _free.TryDequeue(out Block? block) ? block : new Block(this);
    }

    protected override void Dispose(bool disposing)
    {
    }

    private sealed class Block(BlockMemoryPool owner) : IMemoryOwner<byte>
    {
        private readonly byte[] _array = new byte[BlockSize];

        public Memory<byte> Memory => _array;

        public void Dispose() => owner._free.Enqueue(this);
    }
}

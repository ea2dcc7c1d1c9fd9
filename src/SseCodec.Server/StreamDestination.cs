using System.IO.Pipelines;

namespace SseCodec.Server;

/// <summary>
/// Runs an event stream into a <see cref="Stream"/> through <see cref="StreamBufferWriter"/>, the library's one
/// Stream-to-PipeWriter adapter (also behind <see cref="SseWriter(Stream, SseFlushPolicy?, bool, TimeProvider?)"/>).
/// The stream is left open: it belongs to the caller.
/// </summary>
internal static class StreamDestination
{
    public static async Task<SseStreamCompletion> RunAsync<TState>(Stream destination, TState state, Func<PipeWriter, TState, Task<SseStreamCompletion>> stream)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var pipe = new StreamBufferWriter(destination, leaveOpen: true);
        Exception? cutShort = null;
        try
        {
            SseStreamCompletion completion = await stream(pipe, state).ConfigureAwait(false);
            if (completion is SseStreamCompletion.Canceled or SseStreamCompletion.SlowClient)
            {
                cutShort = new OperationCanceledException("The event stream ended before its source did.");
            }

            return completion;
        }
        catch (Exception e)
        {
            cutShort = e;
            throw;
        }
        finally
        {
            // A stream that ended normally flushed everything as it went. Completing with an error drops what one cut
            // short left unflushed, rather than write it, with no token, to a peer that may never read it.
            await pipe.CompleteAsync(cutShort).ConfigureAwait(false);
        }
    }
}

using System.Text;

namespace SseCodec.Cli.Tests.Infrastructure;

/// <summary>A thread-safe text writer that keeps what is written and says when some text has appeared in it.</summary>
internal sealed class WatchedWriter : TextWriter
{
    private readonly object _gate = new();
    private readonly StringBuilder _text = new();
    private readonly List<(string Text, TaskCompletionSource Seen)> _watches = [];

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value) => Append(value.ToString());

    public override void Write(string? value) => Append(value);

    public override void Write(char[] buffer, int index, int count) => Append(new string(buffer, index, count));

    /// <summary>Completes once <paramref name="text"/> has been written.</summary>
    public Task WaitForAsync(string text)
    {
        lock (_gate)
        {
            if (_text.ToString().Contains(text, StringComparison.Ordinal))
            {
                return Task.CompletedTask;
            }

            var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _watches.Add((text, seen));
            return seen.Task;
        }
    }

    public override string ToString()
    {
        lock (_gate)
        {
            return _text.ToString();
        }
    }

    private void Append(string? value)
    {
        lock (_gate)
        {
            _text.Append(value);
            string text = _text.ToString();
            _watches.RemoveAll(watch =>
            {
                bool seen = text.Contains(watch.Text, StringComparison.Ordinal);
                if (seen)
                {
                    watch.Seen.SetResult();
                }

                return seen;
            });
        }
    }
}

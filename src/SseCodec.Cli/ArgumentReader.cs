using System.Globalization;

namespace SseCodec.Cli;

/// <summary>Walks a command's arguments: flags, options with values, and positional arguments.</summary>
internal ref struct ArgumentReader(ReadOnlySpan<string> args)
{
    private readonly ReadOnlySpan<string> _args = args;
    private int _index;

    public bool TryNext(out string argument)
    {
        if (_index < _args.Length)
        {
            argument = _args[_index++];
            return true;
        }

        argument = string.Empty;
        return false;
    }

    public string Value(string option) =>
        _index < _args.Length ? _args[_index++] : throw new UsageException($"{option} needs a value");

    public int PositiveInt(string option)
    {
        string text = Value(option);
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value > 0
            ? value
            : throw new UsageException($"{option} needs a positive whole number, not '{text}'");
    }
}

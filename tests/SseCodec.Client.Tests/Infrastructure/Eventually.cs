namespace SseCodec.Client.Tests.Infrastructure;

/// <summary>Waits, in real time, for something that must happen at all; the bound is generous so it never flakes.</summary>
internal static class Eventually
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    public static async Task TrueAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for: {what}");
            }

            await Task.Delay(5);
        }
    }

    public static async Task<T> Within<T>(Task<T> task, string what)
    {
        if (await Task.WhenAny(task, Task.Delay(Bound)) != task)
        {
            throw new TimeoutException($"Timed out waiting for: {what}");
        }

        return await task;
    }

    public static async Task Within(Task task, string what)
    {
        if (await Task.WhenAny(task, Task.Delay(Bound)) != task)
        {
            throw new TimeoutException($"Timed out waiting for: {what}");
        }

        await task;
    }
}

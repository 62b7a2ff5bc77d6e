using Headroom.Cgroups;

namespace Headroom.Runners.Docker;

/// <summary>
/// Reads a container cgroup's <c>oom_kill</c> counter every few milliseconds while the container runs. The engine
/// removes the cgroup 20–50 ms after the kernel kills the main process, so only a fast reader sees the counter rise;
/// the engine's own <c>OOMKilled</c> flag is racy (false in 5 of 56 immediate kills measured here).
/// </summary>
public sealed class OomKillWatch : IAsyncDisposable
{
    private readonly string _file;
    private readonly TimeSpan _interval;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public OomKillWatch(MemoryCgroup cgroup, TimeSpan interval)
    {
        _file = Path.Combine(cgroup.Directory, cgroup.Version == CgroupVersion.V1 ? "memory.oom_control" : "memory.events");
        _interval = interval;
        Highest = Read();
        _loop = Task.Factory.StartNew(Loop, TaskCreationOptions.LongRunning);
    }

    /// <summary>The highest value read so far.</summary>
    public long? Highest { get; private set; }

    /// <summary>True once the cgroup has gone (the container stopped and the engine removed it).</summary>
    public bool Gone { get; private set; }

    /// <summary>
    /// The counter after the run when it is known: its value if it is above 0 (a fresh container cgroup starts at
    /// 0) or if the cgroup still exists; null when the cgroup went away before a kill was seen (one may have been missed).
    /// </summary>
    public long? Final => Highest > 0 || !Gone ? Highest : null;

    private void Loop()
    {
        while (!_stop.IsCancellationRequested && !Gone)
        {
            var value = Read();
            if (value is null)
            {
                Gone = true;
                break;
            }
            if (value > Highest)
            {
                Highest = value;
            }
            _stop.Token.WaitHandle.WaitOne(_interval);
        }
    }

    private long? Read()
    {
        try
        {
            var values = CgroupFiles.ParseKeyValues(File.ReadAllText(_file));
            return values.TryGetValue("oom_kill", out var kills) ? kills : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}

using Headroom.Cgroups;
using Headroom.Memory;

namespace Headroom.Runners.Local;

/// <summary>
/// Reads, every half second while a trial runs, what each process of the trial's cgroup maps and holds open, into the
/// <see cref="ColdSet"/>: children and re-executed shims are in the cgroup too, and libraries loaded late (under load)
/// are caught when they appear.
/// </summary>
public sealed class CgroupFileWatcher : IAsyncDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    private readonly CgroupDirectory _cgroup;
    private readonly ColdSet _set;
    private readonly BackgroundLoop _loop = new();

    public CgroupFileWatcher(CgroupDirectory cgroup, ColdSet set)
    {
        _cgroup = cgroup;
        _set = set;
        _loop.Poll(Interval, _ =>
        {
            ScanOnce();
            return BackgroundLoop.GoOn;
        }, CancellationToken.None);
    }

    /// <summary>Reads every process in the cgroup now.</summary>
    public void ScanOnce()
    {
        IReadOnlyList<int> pids;
        try
        {
            pids = _cgroup.ReadPids();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return;
        }
        foreach (var pid in pids)
        {
            _set.Add(ProcessFiles.Of(pid));
        }
    }

    public ValueTask DisposeAsync() => _loop.DisposeAsync();
}

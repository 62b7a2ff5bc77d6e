using Docker.DotNet;
using Docker.DotNet.Models;
using Headroom.Cgroups;

namespace Headroom.Runners.Docker;

/// <summary>
/// The engine's stats stream for a container (about one reading a second), as a cgroup reading: the fallback when
/// the container's cgroup files cannot be read here (remote or rootless engine).
/// </summary>
public sealed class EngineStatsSource : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public EngineStatsSource(IDockerClient client, string containerId, CancellationToken cancellationToken)
    {
        var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token);
        _loop = Task.Run(async () =>
        {
            using (linked)
            {
                try
                {
                    await client.Containers.GetContainerStatsAsync(containerId, new ContainerStatsParameters { Stream = true },
                        new InlineProgress<ContainerStatsResponse>(r => Latest = ToReading(r.MemoryStats)), linked.Token);
                }
                catch (Exception e) when (e is OperationCanceledException or DockerApiException or IOException or HttpRequestException)
                {
                    // The container went away or the trial ended.
                }
            }
        }, CancellationToken.None);
    }

    public CgroupMemoryReading? Latest { get; private set; }

    /// <summary>The engine's memory stats in the cgroup reading's terms (v1 keys, or v2's <c>anon</c>/<c>file</c>).</summary>
    public static CgroupMemoryReading? ToReading(MemoryStats? stats)
    {
        if (stats is null || stats.Usage == 0)
        {
            return null;
        }
        var values = stats.Stats ?? new Dictionary<string, ulong>();
        long? Value(params string[] keys) =>
            keys.Where(values.ContainsKey).Select(k => (long?)(long)values[k]).FirstOrDefault();
        return new CgroupMemoryReading(
            UsageBytes: (long)stats.Usage,
            PeakBytes: stats.MaxUsage > 0 ? (long)stats.MaxUsage : null,
            AnonBytes: Value("total_rss", "rss", "anon") ?? 0,
            FileBytes: Value("total_cache", "cache", "file") ?? 0,
            ActiveFileBytes: Value("total_active_file", "active_file") ?? 0,
            InactiveFileBytes: Value("total_inactive_file", "inactive_file") ?? 0,
            MajorFaults: Value("total_pgmajfault", "pgmajfault") ?? 0,
            Failcnt: stats.Failcnt > 0 ? (long)stats.Failcnt : null,
            OomKills: null,
            OomEvents: null);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}

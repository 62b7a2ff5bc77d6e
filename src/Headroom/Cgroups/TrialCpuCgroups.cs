namespace Headroom.Cgroups;

/// <summary>
/// CPU limits for trials, as a kubelet's <c>limits.cpu</c>. On cgroup v1 each trial gets a child of the tool's own
/// <c>cpu</c> cgroup (from <c>/proc/self/cgroup</c>) named like its memory cgroup (<c>headroom-&lt;pid&gt;-&lt;n&gt;</c>),
/// removed with the trial and swept when a killed run left it; on v2 the trial's one cgroup gets <c>cpu.max</c>.
/// </summary>
public sealed class TrialCpuCgroups
{
    private TrialCpuCgroups(CgroupLocation parent) => Parent = parent;

    /// <summary>The tool's own cpu cgroup (v1), or the trials' memory parent (v2, where it is the same cgroup).</summary>
    public CgroupLocation Parent { get; }

    /// <summary>The cpu cgroup beside <paramref name="memory"/>'s trial cgroups; null with the reason when none can be made.</summary>
    public static TrialCpuCgroups? TryOpenOwn(TrialCgroups memory, out string reason)
    {
        var location = CgroupLocator.LocateSelf("cpu", out reason);
        if (location is null)
        {
            return null;
        }
        if (location.Version == CgroupVersion.V2)
        {
            if (memory.Parent.Version != CgroupVersion.V2)
            {
                reason = "the cpu controller is on cgroup v2 but memory limits are on v1; a trial cannot be in both";
                return null;
            }
            return TrialCgroups.EnableForChildren(memory.Parent.Directory, "cpu", out reason) ? new TrialCpuCgroups(memory.Parent) : null;
        }
        return TrialCgroups.CanCreateChild(location.Directory, out reason) ? new TrialCpuCgroups(location) : null;
    }

    /// <summary>
    /// Limits the trial whose memory cgroup is <paramref name="trial"/> to <paramref name="cpus"/>. Returns the v1 cpu
    /// cgroup the target must join as well (the caller removes it after the trial); on v2 the trial's own cgroup.
    /// </summary>
    public CpuCgroup Apply(MemoryCgroup trial, double cpus)
    {
        if (Parent.Version == CgroupVersion.V2)
        {
            var own = new CpuCgroup(trial.Directory, CgroupVersion.V2);
            own.SetQuota(cpus);
            return own;
        }
        var cpu = new CpuCgroup(Path.Combine(Parent.Directory, trial.Name), CgroupVersion.V1);
        Directory.CreateDirectory(cpu.Directory);
        try
        {
            cpu.SetQuota(cpus);
        }
        catch
        {
            Directory.Delete(cpu.Directory);
            throw;
        }
        return cpu;
    }

    /// <summary>Removes the v1 cpu cgroups of killed earlier runs (v2 has none apart from the memory ones).</summary>
    public Task<IReadOnlyList<string>> SweepStaleAsync(CancellationToken cancellationToken) => Parent.Version == CgroupVersion.V1
        ? TrialCgroups.SweepStaleAsync(Parent.Directory, d => new CpuCgroup(d, CgroupVersion.V1), cancellationToken)
        : Task.FromResult<IReadOnlyList<string>>([]);
}

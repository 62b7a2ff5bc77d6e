using Headroom.Cgroups;

namespace Headroom.Tests.Runners;

/// <summary>Skips a test that needs to write cgroups when it cannot, and fails it instead under HEADROOM_REQUIRE_CGROUPS=1 (CI).</summary>
internal static class CgroupRequirement
{
    public static TrialCgroups Writable() =>
        TrialCgroups.TryOpenOwn(out var reason) ?? Unavailable.SkipOrFail<TrialCgroups>($"needs a writable memory cgroup: {reason}");

    /// <summary>The trial cgroups this test process has left in its parent (there should be none after a trial).</summary>
    public static string[] LeftBehind(TrialCgroups cgroups) =>
        [.. Directory.EnumerateDirectories(cgroups.Parent.Directory, $"{TrialCgroups.Prefix}{Environment.ProcessId}-*")];
}

/// <summary>Tests that make trial cgroups run one at a time, so "nothing left behind" sees only their own.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RealCgroupsCollection
{
    public const string Name = "real cgroups";
}

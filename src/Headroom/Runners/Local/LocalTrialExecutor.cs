using System.Diagnostics;
using Headroom.Cgroups;
using Headroom.Runners.Trial;
using Headroom.Trials;

namespace Headroom.Runners.Local;

/// <summary>
/// Runs trials on this machine under a real kernel limit: a fresh child cgroup per trial, the target placed in it
/// before its first instruction, a cold start by default, samplers every 100 ms, load, restarts like a kubelet's,
/// the outcome with its evidence, and everything it started ended and removed afterwards, also on cancellation.
/// </summary>
public sealed class LocalTrialExecutor : ITrialExecutor
{
    private readonly ITargetDefinition _target;
    private readonly ITrialLoad? _load;
    private readonly LocalRunnerOptions _options;
    private readonly Lock _lock = new();
    private Task<LimitPlacement>? _opening;

    public LocalTrialExecutor(ITargetDefinition target, ITrialLoad? load, LocalRunnerOptions options)
    {
        _target = target;
        _load = load;
        _options = options;
    }

    /// <summary>The files each cold start evicts; it grows with what every trial's processes are seen to use.</summary>
    public ColdSet ColdSet { get; } = new();

    /// <summary>Trial cgroups of killed earlier runs removed when this executor first ran.</summary>
    public IReadOnlyList<string> SweptStale { get; private set; } = [];

    /// <summary>Chooses how limits are applied and removes what killed earlier runs left behind.</summary>
    public Task<LimitPlacement> OpenAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            // A failed or cancelled opening is tried again by the next trial.
            if (_opening is null || _opening.IsFaulted || _opening.IsCanceled)
            {
                _opening = OpenOnceAsync(cancellationToken);
            }
            return _opening;
        }
    }

    private async Task<LimitPlacement> OpenOnceAsync(CancellationToken cancellationToken)
    {
        var placement = LimitPlacement.Choose(_options.Cpus);
        if (placement.Cgroups is { } cgroups)
        {
            SweptStale = await cgroups.SweepStaleAsync(cancellationToken);
        }
        if (placement.CpuCgroups is { } cpuCgroups)
        {
            SweptStale = [.. SweptStale, .. (await cpuCgroups.SweepStaleAsync(cancellationToken)).Select(name => $"{name} (cpu)")];
        }
        // Runs killed in other cgroups (another shell or scope) are found through the registry in the private state folder.
        if (placement.Cgroups is not null && !OperatingSystem.IsWindows() && TrialCgroupRegistry.OpenOwn() is { } registry)
        {
            SweptStale = [.. SweptStale, .. await registry.SweepGoneAsync(cancellationToken)];
            registry.Register(placement.Cgroups.Parent, placement.CpuCgroups?.Parent);
        }
        return placement;
    }

    public async Task<TrialResult> RunAsync(TrialRequest request, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var placement = await OpenAsync(cancellationToken);
        var launch = await _target.PrepareAsync(cancellationToken);
        var wall = Stopwatch.StartNew();
        MemoryCgroup? cgroup = null;
        CpuCgroup? cpu = null;
        try
        {
            TrialPreflight.Check(request, launch);
            progress?.Report($"trial of {_target.Describe()} under {request.Limit?.ToKubernetes() ?? "no limit"}, knobs {request.Knobs.Describe()}");
            cgroup = placement.Cgroups?.Create();
            if (cgroup is not null && request.Limit is { } limit)
            {
                cgroup.SetLimit(limit.Bytes);
            }
            if (cgroup is not null && _options.Cpus is { } cpus)
            {
                cpu = placement.CpuCgroups!.Apply(cgroup, cpus);
            }
            var cold = _options.Warm ? new ColdStart(null) : new ColdStart(ColdStartEviction.Run(ColdSet.FilesFor(launch)));
            progress?.Report(cold.Progress);
            var knobs = request.Knobs.Render(request.Limit);
            TrialResult result;
            await using (var watcher = cgroup is null ? null : new CgroupFileWatcher(cgroup, ColdSet))
            {
                await using var host = new LocalTrialHost(launch, knobs, request.Limit?.Bytes, placement, cgroup, cpu, _options);
                // The discovery start runs without load: it only has to show what the target maps and opens.
                var load = request.Purpose == ColdSet.DiscoveryPurpose ? null : _load;
                result = await TrialLoop.RunAsync(host, new TrialSetup(request, launch, _target.Describe(), load, cold), _options, progress, cancellationToken);
            }
            ColdSet.Save();
            return result with { WallTime = wall.Elapsed };
        }
        finally
        {
            if (cgroup is not null && !await cgroup.DestroyAsync(CancellationToken.None))
            {
                progress?.Report($"could not remove {cgroup.Directory}; the next start removes it");
            }
            if (cpu is not null && cpu.Directory != cgroup?.Directory && !await cpu.DestroyAsync(CancellationToken.None))
            {
                progress?.Report($"could not remove {cpu.Directory}; the next start removes it");
            }
            if (launch.ScratchDirectory is { } scratch && Directory.Exists(scratch))
            {
                try
                {
                    Directory.Delete(scratch, recursive: true);
                }
                catch (IOException)
                {
                }
            }
        }
    }
}

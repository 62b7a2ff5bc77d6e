using Headroom.Cgroups;
using Headroom.Memory;
using Headroom.Runners.Trial;

namespace Headroom.Runners.Local;

/// <summary>
/// The target as a process on this machine, in a cgroup that is already made and limited (or in a systemd scope that
/// starting it makes): started anew for each run, its figures read from the cgroup's files and, for .NET, its event
/// counters.
/// </summary>
internal sealed class LocalTrialHost(
    TargetLaunch launch,
    IReadOnlyDictionary<string, string> knobs,
    long? limitBytes,
    LimitPlacement placement,
    MemoryCgroup? cgroup,
    CpuCgroup? cpu,
    LocalRunnerOptions options) : ITrialHost
{
    private TargetProcess? _process;
    private DotnetCountersSource? _counters;
    private MemoryCgroup? _scope;
    private long? _oomBefore;

    public int? Pid => _process?.Pid;

    public DotnetCountersSource? Counters => _counters;

    public string ReadyNote => $"pid {_process?.Pid}";

    public bool KernelKilled => ReadKernel()?.OomKills > _oomBefore;

    public string? NeverReadyAdvice => "the target is running and not short of memory; check --ready (path and port)";

    public double? Cpus => options.Cpus;

    public async Task<Task> StartAsync(CancellationToken cancellationToken)
    {
        await DisposeProcessAsync();
        _oomBefore = ReadKernel()?.OomKills;
        var command = cgroup is null ? placement.WrapForSystemd(launch.Command, limitBytes, options.Cpus) : launch.Command;
        _process = TargetProcess.Start(launch with { Command = command }, cgroup, knobs, options.StopGrace, cpu);
        if (cgroup is null)
        {
            await Task.Delay(200, cancellationToken);
            _scope = LimitPlacement.ScopeOf(_process.Pid);
        }
        if (options.DotnetCounters && LooksLikeDotnet(launch.Command))
        {
            _counters = new DotnetCountersSource(_process.Pid, options.SampleInterval);
            _counters.Start(cancellationToken);
        }
        return _process.Exited;
    }

    public CgroupMemoryReading? ReadMemory() => (cgroup ?? _scope)?.Read();

    public async Task<RunEnding> EndRunAsync(RunSeen seen, CancellationToken cancellationToken)
    {
        var process = _process!;
        if (!process.HasExited && KernelKilled)
        {
            // The kernel's kill is counted before the process is reaped and its pipes closed.
            await Task.WhenAny(process.Exited, Task.Delay(TimeSpan.FromSeconds(2), cancellationToken));
        }
        var exit = process.HasExited ? await process.Exited : null;
        var (outcome, evidence) = OutcomeClassifier.Classify(new TrialObservation(
            exit, seen.BecameReady, _oomBefore, ReadKernel()?.OomKills, [.. process.StderrLines(400), .. process.StdoutLines(5)], seen.Decided));
        return new RunEnding(outcome, evidence, exit, process.StderrLines(20));
    }

    public async Task StopAsync(bool kill, CancellationToken cancellationToken)
    {
        if (_process is null)
        {
            return;
        }
        if (kill)
        {
            await _process.KillAsync();
        }
        else
        {
            await _process.StopAsync(cancellationToken);
        }
    }

    public string Describe() => LimitPlacement.Describe(cgroup ?? _scope, cpu, options.Cpus);

    public ValueTask DisposeAsync() => new(DisposeProcessAsync());

    private static bool LooksLikeDotnet(IReadOnlyList<string> command) =>
        Path.GetFileName(command[0]) == "dotnet" ||
        (TargetFiles.ResolveExecutable(command[0]) is { } path && File.Exists(Path.ChangeExtension(path, ".runtimeconfig.json")));

    private async Task DisposeProcessAsync()
    {
        await (_counters?.DisposeAsync() ?? ValueTask.CompletedTask);
        _counters = null;
        await (_process?.DisposeAsync() ?? ValueTask.CompletedTask);
    }

    private CgroupMemoryReading? ReadKernel()
    {
        try
        {
            return cgroup?.Read();
        }
        catch (IOException)
        {
            return null;
        }
    }
}

using Headroom.Memory;
using Headroom.Runners;
using Headroom.Runners.Local;
using Headroom.Specs;
using Headroom.Targets;
using Headroom.Trials;

namespace Headroom.Cli.Commands;

/// <summary>The experiments' executors: the local runner (a cgroup per trial) for the spec's target and load.</summary>
internal sealed class LocalRunnerFactory : ITrialExecutorFactory
{
    public ITrialExecutor Create(StudySpec spec)
    {
        var progress = new InlineProgress<string>(line => Console.Error.WriteLine($"headroom: {line}"));
        var (target, load) = SpecTargets.ForLocalRunner(spec, Environment.CurrentDirectory, progress);
        return new LocalTrialExecutor(target, load, new LocalRunnerOptions { Cpus = spec.Cpus, Warm = spec.Warm == true, Liveness = spec.Liveness ?? new(), LoadTimeout = spec.LoadTimeout });
    }

    public Func<TrialResult, string, CancellationToken, Task>? SaveSamples { get; } =
        (result, path, cancellationToken) => SampleSeries.WriteAsync(path, result.Details.Samples, cancellationToken);
}

using System.CommandLine;
using System.Globalization;
using Headroom.Knobs;
using Headroom.Limits;
using Headroom.Runners;
using Headroom.Runners.Local;
using Headroom.Trials;

namespace Headroom.Cli.Commands;

/// <summary>
/// <c>headroom run</c>: one trial under a real kernel limit, as the article's Listings 3–8: memory before and after
/// the load, the load's report, and a <c>kubectl describe</c>-like status block.
/// </summary>
internal static class RunCommand
{
    private static readonly Option<string> s_limit = new("--limit") { Description = "Memory limit as a Kubernetes quantity (17Mi, 64M, 0.5Gi); none = unlimited, measured only." };
    private static readonly Option<string> s_knobs = new("--knobs") { Description = $"Knob set for the runtime, templated on the limit: {string.Join(", ", KnobPresets.All.Select(k => k.Name))}.", DefaultValueFactory = _ => "none" };
    private static readonly Option<string> s_load = new("--load") { Description = "hey's arguments for the load, in quotes (\"-c 10 -n 1000 -H 'Authorization: Bearer …' URL\"); none = hold the target for --hold seconds. With the bundled sample give only the flags (default -c 10 -n 1000): its URL and a fresh token are added." };
    private static readonly Option<string> s_ready = new("--ready") { Description = "Readiness URL that answers 2xx once the target takes load; none = ready when started." };
    private static readonly Option<string> s_stats = new("--stats") { Description = "The runtime's stats URL: expvar JSON (/debug/vars) or Prometheus text (/metrics)." };
    private static readonly Option<int> s_restarts = new("--restarts") { Description = "Start a target that died again, up to N times, as a kubelet does (default 0)." };
    private static readonly Option<bool> s_warm = new("--warm") { Description = TargetCommandLine.WarmDescription };
    private static readonly Option<string[]> s_files = new("--files") { Description = TargetCommandLine.FilesDescription, AllowMultipleArgumentsPerToken = true };
    private static readonly Option<int> s_interval = new("--sample-interval") { Description = "Milliseconds between samples of every memory source.", DefaultValueFactory = _ => 100 };
    private static readonly Option<double> s_readyTimeout = new("--ready-timeout") { Description = "Seconds to wait for the readiness URL.", DefaultValueFactory = _ => 60 };
    private static readonly Option<double> s_hold = new("--hold") { Description = "Without --load: seconds the target runs after it is ready.", DefaultValueFactory = _ => 2 };
    private static readonly Option<string> s_out = new("--out") { Description = "Folder for trial.json and samples.jsonl (default ./headroom-results/run-<time>)." };
    private static readonly Argument<string[]> s_command = new("command") { Description = "The target's command after '--'; none = the bundled sample (--target).", Arity = ArgumentArity.ZeroOrMore };

    public static Command Create()
    {
        return new Command("run",
            "Run one trial: start the target under a real memory limit (a cgroup of its own), wait until ready, " +
            "drive the load, sample memory every 100 ms, classify the outcome (survived, oom-killed, runtime-oom, " +
            "thrashing, crashed, start-failed, unresponsive) with its evidence, and clean up. Exit code 0 when it survived, 1 otherwise.")
            .With([s_limit, s_knobs, s_load, s_ready, s_stats, s_restarts, s_warm, s_files, s_interval, s_readyTimeout, s_hold, s_out, SampleTargetOption.Target, .. LivenessOptions.All, LoadTimeoutOption.Option, .. ContainerRunnerOptions.All, s_command], RunAsync);
    }

    private static async Task<int> RunAsync(ParseResult parsed, CancellationToken cancellationToken)
    {
        var output = parsed.InvocationConfiguration.Output;
        var error = parsed.InvocationConfiguration.Error;
        var limit = parsed.GetValue(s_limit) is { } text ? MemoryQuantity.Parse(text, "--limit") : (MemoryQuantity?)null;
        var knobs = KnobPresets.Get(parsed.GetValue(s_knobs) ?? "none");
        if (parsed.GetValue(s_out) is { } given)
        {
            // Before the trial: a refused folder should cost nothing.
            OutputPaths.RefuseKernelFileSystems(given);
        }
        var restarts = parsed.GetValue(s_restarts);
        if (restarts < 0)
        {
            throw new UserInputException($"--restarts {restarts} is negative; use 0 or more");
        }
        var interval = parsed.GetValue(s_interval);
        if (interval < 10)
        {
            throw new UserInputException($"--sample-interval {interval} is too short; use 10 ms or more");
        }
        var options = new LocalRunnerOptions
        {
            SampleInterval = TimeSpan.FromMilliseconds(interval),
            Warm = parsed.GetValue(s_warm),
            ReadyTimeout = TimeSpan.FromSeconds(parsed.GetValue(s_readyTimeout)),
            Hold = TimeSpan.FromSeconds(parsed.GetValue(s_hold)),
            Cpus = ContainerRunnerOptions.ReadCpus(parsed),
            Liveness = LivenessOptions.Read(parsed) ?? new(),
            LoadTimeout = LoadTimeoutOption.Read(parsed),
        };
        var progress = new InlineProgress<string>(line => error.WriteLine($"headroom: {line}"));
        ITrialExecutor executor;
        if (KubernetesRunnerOptions.IsKubernetes(parsed))
        {
            executor = KubernetesRunnerOptions.Create(parsed, parsed.GetValue(s_ready), parsed.GetValue(s_stats), parsed.GetValue(s_load), options);
        }
        else if (ContainerRunnerOptions.IsDocker(parsed))
        {
            SampleTargetOption.Read(parsed, null);
            executor = await ContainerRunnerOptions.OpenAsync(parsed, parsed.GetValue(s_command) ?? [], parsed.GetValue(s_ready),
                parsed.GetValue(s_stats), TrialLoads.FromHeyArguments(parsed.GetValue(s_load)), options, progress.Report, cancellationToken);
        }
        else
        {
            var commandLine = parsed.GetValue(s_command) ?? [];
            var sample = SampleTargetOption.Read(parsed, commandLine.Length > 0 ? "the command after '--'" : null);
            var (target, load) = TrialTargets.FromCommandLine(
                sample, commandLine, parsed.GetValue(s_ready), parsed.GetValue(s_stats),
                parsed.GetValue(s_files) ?? [], parsed.GetValue(s_load), progress, TargetCommandLine.ParseEnv(parsed.GetValue(ContainerRunnerOptions.Environment) ?? []));
            var local = new LocalTrialExecutor(target, load, options);
            await local.OpenAsync(cancellationToken);
            foreach (var stale in local.SweptStale)
            {
                progress.Report($"removed the stale cgroup {stale} of an earlier run that was killed");
            }
            executor = local;
        }
        using var disposable = executor as IDisposable;
        await using var restore = executor as IAsyncDisposable;
        var folder = parsed.GetValue(s_out) ?? Path.Combine("headroom-results",
            "run-" + DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
        if (executor is LocalTrialExecutor cold && !options.Warm)
        {
            // The cold set (and the runtime) are found by one start without load, and kept in the run's folder.
            Directory.CreateDirectory(folder);
            cold.ColdSet.KeepIn(Path.Combine(folder, ColdSet.FileName));
            await cold.DiscoverAsync(progress, cancellationToken);
        }
        var result = await executor.RunAsync(new TrialRequest(limit, knobs) { Restarts = restarts, Purpose = "run" }, progress, cancellationToken);
        await TrialFiles.SaveAsync(folder, result, cancellationToken);
        await output.WriteAsync(RunReport.Render(result, folder));
        return result.Survived ? 0 : 1;
    }
}

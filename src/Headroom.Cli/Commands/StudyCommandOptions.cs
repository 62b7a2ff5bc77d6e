using System.CommandLine;
using System.Globalization;
using Headroom.Experiments;
using Headroom.Knobs;
using Headroom.Limits;
using Headroom.Specs;
using Headroom.Targets;

namespace Headroom.Cli.Commands;

/// <summary>
/// The options of the experiment commands (edge, matrix, floor, study) with their defaults, which --help prints.
/// A value given here overrides the spec file's; one not given keeps the spec's (or the default).
/// </summary>
internal sealed class StudyCommandOptions
{
    public Option<string?> Spec { get; } = new("--file", "-f") { Description = "The study spec (headroom.yaml): target, load, limits, knob sets. Default: the bundled sample (--target) with the article's load." };
    public Option<string?> Load { get; } = new("--load") { Description = $"hey's arguments for the load (default {StudySpec.DefaultLoad}, the article's). With a bundled sample give only the flags: its URL and a fresh token are added." };
    public Option<string?> Expect { get; } = new("--expect") { Description = "HTTP statuses that count as a success, e.g. 200,404 or 2xx (default 2xx,3xx). The unlimited baseline must succeed on 99 % of its requests or the study stops before any limit; under a limit, more than 1 point below the baseline's success is the outcome 'errors'." };
    public Option<string?> Out { get; } = new("--out", "-o") { Description = "The study folder (default ./headroom-results/<name>-<timestamp>/)." };
    public Option<string?> Resume { get; } = new("--resume") { Description = "Continue the study in this folder: recorded trials are replayed, missing ones run; its own settings are used." };
    public Option<string?> Resolution { get; } = new("--resolution") { Description = $"Stop bisecting when failing and passing limits are this close (default {EdgeSearchOptions.DefaultResolution})." };
    public Option<int?> Confirm { get; } = new("--confirm") { Description = $"Consecutive survivals a limit needs to pass; one failure is final (default {EdgeSearchOptions.DefaultConfirm})." };
    public Option<double?> Healthy { get; } = new("--healthy") { Description = $"The healthy edge keeps this fraction of the unlimited req/s, and p99 within {EdgeSearchOptions.DefaultP99Factor}x (default {EdgeSearchOptions.DefaultHealthy.ToString(CultureInfo.InvariantCulture)})." };
    public Option<int?> BaselineRuns { get; } = new("--baseline-runs") { Description = $"Unlimited runs whose median req/s and p99 the healthy edge is judged against (default {StudySpec.DefaultBaselineRuns})." };
    public Option<string?> Strategy { get; } = new("--strategy") { Description = "How the edge is searched: bisect (predicted start, bracket, bisect; the default) or linear (down from the unlimited peak one resolution step at a time, confirming every limit: the naive search, for comparison)." };
    public Option<string?> Min { get; } = new("--min") { Description = $"The lowest limit tried (default {EdgeSearchOptions.DefaultMin}, the least a process starts in)." };
    public Option<string?> Max { get; } = new("--max") { Description = $"The highest limit tried (default 4x the unlimited peak, at least {new MemoryQuantity(EdgeSearch.DefaultMinimumMax)})." };
    public Option<string[]> Limits { get; } = new("--limits") { Description = "Matrix limits (default: the edge, the runtime's post-load Sys, 2x and 4x the edge).", AllowMultipleArgumentsPerToken = true };
    public Option<string[]> Knobs { get; } = new("--knobs") { Description = $"Matrix knob sets by name (default none and the runtime's preset; presets: {string.Join(", ", KnobPresets.All.Select(k => k.Name))}).", AllowMultipleArgumentsPerToken = true };
    public Option<string?> FloorKnobs { get; } = new("--floor-knobs") { Description = "The knob set the floor search runs with (default the runtime's preset)." };
    public Option<int?> Repeats { get; } = new("--repeats") { Description = $"Interleaved rounds of the matrix (default {MatrixOptions.DefaultRepeats})." };
    public Option<string?> Runtime { get; } = new("--runtime") { Description = "The target's runtime: go, dotnet, jvm, node (picks the default knob set and the runtime limit)." };
    public Option<int?> Parallel { get; } = new("--parallel") { Description = $"With --runner k8s: run this many trials at once, each on its own clone of the Deployment (NAME-headroom-1..N, one replica, labels no Service selects, spread over nodes, deleted at the end); the original is not changed. Edge searches probe N limits a round, matrix cells run side by side (default 1, at most {MaxParallel})." };
    public TargetCommandLine Target { get; } = new();
    public Option<double?> Margin { get; } = new("--margin") { Description = $"Recommended limit = healthy edge x (1 + margin) (default {RecommendOptions.DefaultMargin.ToString(CultureInfo.InvariantCulture)})." };

    public Option<bool> Plain { get; } = new("--plain") { Description = "One line per finished trial instead of the live view (what a log or CI gets anyway: the live view is drawn only on a terminal)." };

    public void AddTo(Command command, bool matrix, bool floor)
    {
        Option[] common = [Spec, Plain, SampleTargetOption.Target, Load, Expect, Out, Resume, Resolution, Confirm, Healthy, BaselineRuns, Strategy, Min, Max, Runtime, Margin, Parallel, .. LivenessOptions.All, LoadTimeoutOption.Option, .. ContainerRunnerOptions.All];
        foreach (var option in common)
        {
            command.Options.Add(option);
        }
        Target.AddTo(command);
        if (matrix)
        {
            command.Options.Add(Limits);
            command.Options.Add(Knobs);
            command.Options.Add(Repeats);
        }
        if (floor)
        {
            command.Options.Add(FloorKnobs);
        }
    }

    /// <summary>The spec file (or the sample's default spec) with the options given on the command line applied.</summary>
    public StudySpec ReadSpec(ParseResult parsed)
    {
        var path = parsed.GetValue(Spec);
        var command = Target.CommandLine(parsed);
        if (path is not null && command.Count > 0)
        {
            throw new UserInputException($"-f {path} and the command after '--' both name the target; give one of them");
        }
        var sample = SampleTargetOption.Read(parsed, path is not null ? $"-f {path}" : command.Count > 0 ? "the command after '--'" : null) ?? BundledSamples.SalesApi;
        var spec = path is not null ? StudySpecReader.ReadFile(path)
            : command.Count > 0 ? new StudySpec()
            : new StudySpec { Name = BundledSamples.StudyName(sample), Runtime = BundledSamples.RuntimeOf(sample), Target = new TargetSpec { Sample = sample } };
        spec = Target.Apply(parsed, spec);
        if (parsed.GetValue(Load) is { } load) spec = spec with { Load = load };
        if (parsed.GetValue(Expect) is { } expect) spec = spec with { Expect = Headroom.Load.ExpectedStatuses.Parse(expect).Text };
        if (LivenessOptions.Read(parsed) is { } liveness) spec = spec with { Liveness = liveness };
        if (LoadTimeoutOption.Read(parsed) is { } loadTimeout) spec = spec with { LoadTimeout = loadTimeout };
        if (parsed.GetValue(Resolution) is { } resolution) spec = spec with { Resolution = MemoryQuantity.Parse(resolution, "--resolution") };
        if (parsed.GetValue(Confirm) is { } confirm) spec = spec with { Confirm = confirm };
        if (parsed.GetValue(Healthy) is { } healthy) spec = spec with { Healthy = healthy };
        if (parsed.GetValue(Strategy) is { } strategy) spec = spec with { Strategy = ParseStrategy(strategy) };
        if (parsed.GetValue(Min) is { } min) spec = spec with { Min = MemoryQuantity.Parse(min, "--min") };
        // Below 4Mi no trial can start, and a floor search with GOMEMLIMIT gets there.
        if (spec.Min is null && (spec.Max is null || spec.Max.Value > EdgeSearchOptions.DefaultMin)) spec = spec with { Min = EdgeSearchOptions.DefaultMin };
        if (parsed.GetValue(Max) is { } max) spec = spec with { Max = MemoryQuantity.Parse(max, "--max") };
        if (parsed.GetValue(Runtime) is { } runtime) spec = spec with { Runtime = TargetRuntimes.Parse(runtime) };
        if (parsed.GetValue(Margin) is { } margin) spec = spec with { Margin = margin };
        spec = spec with { BaselineRuns = parsed.GetValue(BaselineRuns) ?? spec.BaselineRuns ?? StudySpec.DefaultBaselineRuns };
        if (spec.BaselineRuns < 1)
        {
            throw new UserInputException($"--baseline-runs {spec.BaselineRuns} is not valid: at least one unlimited run is needed");
        }
        if (ContainerRunnerOptions.ReadCpus(parsed) is { } cpus) spec = spec with { Cpus = cpus };
        if (parsed.GetValue(Parallel) is { } parallel) spec = spec with { Parallel = ReadParallel(parsed, parallel) };
        if (parsed.GetValue(Repeats) is { } repeats) spec = spec with { Repeats = repeats };
        if (parsed.GetValue(Limits) is { Length: > 0 } limits) spec = spec with { Limits = limits.Select(l => MemoryQuantity.Parse(l, "--limits")).ToList() };
        if (parsed.GetValue(Knobs) is { Length: > 0 } knobs) spec = spec with { KnobSets = knobs.Select(k => Resolve(spec, k)).ToList() };
        if (parsed.GetValue(FloorKnobs) is { } floorKnobs) spec = spec with { FloorKnobs = Resolve(spec, floorKnobs) };
        spec.EdgeOptions().Validate();
        spec.MatrixOptions().Validate();
        new RecommendOptions { Margin = spec.Margin }.Validate();
        return spec;
    }

    /// <summary>Clones cost a pod each on the cluster; more than this is more likely a typo than a plan.</summary>
    public const int MaxParallel = 32;

    /// <summary>--parallel N: null for 1 (the spec keeps its hash), N for more when the runner has clones to run them on.</summary>
    private static int? ReadParallel(ParseResult parsed, int parallel)
    {
        if (parallel is < 1 or > MaxParallel)
        {
            throw new UserInputException($"--parallel must be from 1 to {MaxParallel} (got {parallel})");
        }
        if (parallel == 1)
        {
            return null;
        }
        if (!KubernetesRunnerOptions.IsKubernetes(parsed))
        {
            throw new UserInputException($"--parallel {parallel} runs trials on clones of a Deployment and needs --runner k8s; the {parsed.GetValue(ContainerRunnerOptions.Runner) ?? "local"} runner runs one trial at a time");
        }
        if (parsed.GetValue(KubernetesRunnerOptions.Url) is not null)
        {
            throw new UserInputException("--parallel reaches each clone through its own port-forward, and no Service routes to the clones: drop --url");
        }
        return parallel;
    }

    private static EdgeStrategy ParseStrategy(string value) => value.ToLowerInvariant() switch
    {
        "bisect" => EdgeStrategy.Bisect,
        "linear" => EdgeStrategy.Linear,
        _ => throw new UserInputException($"--strategy must be bisect or linear (got '{value}')"),
    };

    private static KnobSet Resolve(StudySpec spec, string name) =>
        spec.KnobSets.Concat(spec.FloorKnobs is { } f ? [f] : []).FirstOrDefault(k => k.Name == name) ?? KnobPresets.Get(name);
}

using Headroom.Load;
using Headroom.Runners.Local;
using Headroom.Trials;

namespace Headroom.Runners;

/// <summary>A trial's load given as hey's arguments, run by the built-in generator (<see cref="LoadGenerator"/>).</summary>
public sealed class HeyLoad(LoadOptions options) : ITrialLoad
{
    public LoadOptions Options { get; } = options;

    /// <summary>Parses hey's arguments; a one-line <see cref="UserInputException"/> when they are wrong.</summary>
    public static HeyLoad Parse(string heyArguments) => new(HeyArguments.Parse(HeyArguments.Split(heyArguments)));

    public string Describe() => Options.Duration is { } d
        ? $"{Options.Method} {Options.Url} -c {Options.Concurrency} -z {d.TotalSeconds:0.#}s"
        : $"{Options.Method} {Options.Url} -c {Options.Concurrency} -n {Options.Requests}";

    public async Task<TrialLoadRun> RunAsync(TargetLaunch target, IProgress<long> completed, CancellationToken cancellationToken) =>
        Summarize(await LoadGenerator.RunAsync(Options, new InlineProgress<LoadProgress>(p => completed.Report(p.Completed)), cancellationToken));

    /// <summary>The figures experiments compare, and hey's report for people.</summary>
    public static TrialLoadRun Summarize(LoadReport report)
    {
        var p99 = report.Percentiles.FirstOrDefault(p => Math.Abs(p.Percent - 99) < 0.001)?.Seconds ?? report.SlowestSeconds;
        var summary = new TrialLoadSummary(
            Requests: report.Requests,
            Succeeded: report.Succeeded,
            Errors: report.Requests - report.Succeeded,
            RequestsPerSecond: report.RequestsPerSecond,
            AverageLatency: TimeSpan.FromSeconds(report.AverageSeconds),
            P99Latency: TimeSpan.FromSeconds(p99),
            SlowestLatency: TimeSpan.FromSeconds(report.SlowestSeconds),
            Duration: TimeSpan.FromSeconds(report.TotalSeconds))
        {
            Url = report.Url,
            Expected = report.Expected,
            Failures = report.Failures,
        };
        return new TrialLoadRun(summary, HeyReportFormatter.Format(report));
    }
}

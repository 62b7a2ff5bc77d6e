using System.Globalization;
using System.Text;
using Headroom.Trials;

namespace Headroom.Checks;

/// <summary>The gate's result in words: one line a trial, and the Markdown summary a GitHub Actions job shows.</summary>
public static class CheckText
{
    public static string TrialLine(TrialResult trial)
    {
        var figures = new List<string> { trial.Outcome.ToKebab() };
        if (trial.Load is { } load)
        {
            figures.Add(string.Create(CultureInfo.InvariantCulture, $"{load.RequestsPerSecond:N0} req/s, p99 {load.P99Latency.TotalMilliseconds:0.0} ms"));
        }
        if (trial.Memory.PeakChargedBytes is { } peak)
        {
            figures.Add(string.Create(CultureInfo.InvariantCulture, $"peak charged {peak / 1048576.0:0.0} MiB"));
        }
        var limit = trial.Request.Limit?.ToString() ?? "unlimited";
        return $"{limit}: {string.Join(", ", figures)}; {trial.Evidence}";
    }

    /// <summary>Markdown for <c>$GITHUB_STEP_SUMMARY</c>: the verdict, a row per case, the baseline run.</summary>
    public static string Markdown(CheckResult result)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"### headroom check: {(result.Passed ? "passed" : "FAILED")}");
        text.AppendLine();
        text.AppendLine("| check | limit | knobs | trials | result |");
        text.AppendLine("| --- | --- | --- | --- | --- |");
        foreach (var c in result.Cases)
        {
            var verdict = c.Failure is { } failure ? $"❌ {Escape(failure)}" : $"✅ {(c.Case.Healthy ? "healthy" : "survived")} {c.Trials.Count} of {result.Confirm}";
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {Escape(c.Case.Name)} | {c.Case.Limit} | {Escape(c.Case.Knobs.Describe())} | {c.Trials.Count} | {verdict} |");
        }
        if (result.Baseline is { } baseline)
        {
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"Unlimited baseline: {Escape(TrialLine(baseline))}");
        }
        return text.ToString();
    }

    private static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");
}

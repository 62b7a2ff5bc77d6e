using Headroom.Reports.Charts;
using Headroom.Trials;

namespace Headroom.Reports.Html;

/// <summary>The memory-over-time figure of one trial of a study, with a caption that says what to look at.</summary>
internal static class TrialTimelines
{
    public static ReportFigure Figure(StudySamples samples, string phase, int index, string label, TrialResult result)
    {
        var input = new MemoryTimelineInput(label, samples.For(phase, index, result), result.Request.Limit, result.Outcome);
        var chart = MemoryTimelineChart.Render(input, HtmlText.Slug($"memory-{phase}-{index}"));
        var caption = $"{label}: {result.Outcome.ToKebab()} — {result.Evidence}. "
            + "Kernel usage is what the limit is enforced against; anon memory cannot be reclaimed, file pages (page cache) can, "
            + "until the service's own code is being re-read from disk.";
        return new ReportFigure(chart, caption);
    }
}

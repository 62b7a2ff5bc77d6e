using Headroom.Experiments;

namespace Headroom.Reports;

/// <summary>
/// What every report of a study renders (Markdown, JSON, and the HTML report with charts): the study's results and
/// the recommendation written from them. Renderers only format; they compute nothing the model does not hold.
/// </summary>
public sealed record StudyReport(StudyResult Study, Recommendation? Recommendation)
{
    public static StudyReport From(StudyResult study, RecommendOptions options) =>
        new(study, study.Edge is null ? null : Recommender.Recommend(study, options));
}

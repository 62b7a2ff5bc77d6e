using System.CommandLine;
using System.Globalization;
using Headroom.Experiments;
using Headroom.Reports;

namespace Headroom.Cli.Commands;

/// <summary><c>headroom recommend --from &lt;study folder&gt;</c>: the settings a finished study supports, from its
/// recorded trials only (nothing is run).</summary>
internal static class RecommendCommand
{
    public static Command Create()
    {
        var from = new Option<string>("--from") { Description = "The study folder (holding plan.json and results.jsonl).", Required = true };
        var margin = new Option<double?>("--margin") { Description = $"Limit = healthy edge x (1 + margin) (default: the study's, {RecommendOptions.DefaultMargin.ToString(CultureInfo.InvariantCulture)})." };
        var k8s = new Option<string>("--k8s") { Description = "A Deployment (deployment/NAME) to print the recommended container patch for: a diff of its resources and env, and the kubectl patch." };
        var apply = new Option<bool>("--apply") { Description = "With --k8s: apply the patch (the diff is shown first)." };
        var command = new Command("recommend",
            "Recommend the memory limit and request (Guaranteed QoS), the runtime's own limit and whether the knob paid " +
            "off, as prose and a Kubernetes container snippet, from a study's recorded results and its verification (verification.json, when it verified this setting); rewrites its report.md and summary.json.")
        {
            from,
            margin,
            k8s,
            apply,
            KubernetesRunnerOptions.Container,
            KubernetesRunnerOptions.Namespace,
            KubernetesRunnerOptions.Context,
        };
        command.SetAction(async (parsed, ct) =>
        {
            var folder = StudyFolder.OpenExisting(parsed.GetValue(from)!);
            var plan = folder.ReadPlan();
            var result = await new Experiments.Study(null, folder).RunAsync(plan, null, ct);
            var options = new RecommendOptions { Margin = parsed.GetValue(margin) ?? plan.Spec.Margin, AtPeak = folder.ReadPeakNeed() };
            var console = ExperimentCommands.ConsoleFor(parsed.InvocationConfiguration.Output);
            // The study's verification, when it verified this recommendation (a new --margin may ask for another setting).
            var report = result.Edge is not null && StudyVerifyStep.Stored(folder, result, options, console) is { } verification
                ? new StudyReport(result, Recommender.Recommend(result, options, verification))
                : StudyReport.From(result, options);
            await StudyReportWriter.WriteAsync(folder, report, ct);
            if (report.Recommendation is { } recommendation)
            {
                StudyTables.Recommendation(console, recommendation);
                if (parsed.GetValue(k8s) is { } deployment)
                {
                    await KubernetesRecommendation.ShowAsync(parsed, deployment, recommendation, parsed.GetValue(apply), ct);
                }
            }
            else
            {
                throw new UserInputException($"the study in {folder.Path} has no edge search to recommend from; run 'headroom study' or 'headroom edge' first");
            }
            return recommendation.Limit is null ? 1 : 0;
        });
        return command;
    }
}

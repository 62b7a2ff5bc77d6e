using Headroom.Cli.Commands;
using Headroom.Specs;
using Headroom.Tests.Experiments;
using k8s;
using k8s.Models;

namespace Headroom.Tests.Cli;

/// <summary>The experiment commands through the real CLI entry point. Trials come from a scripted executor put behind
/// the commands' executor seam, as the runner will be; no real trial runs here.</summary>
public sealed class ExperimentCommandsTests() : TempFolderTest("headroom-cli-")
{
    private static Task<(int Exit, string Stdout, string Stderr)> RunAsync(params string[] args) => CliRun.RunAsync(args);

    private string CopyRecordedStudy()
    {
        var target = Path.Combine(TempRoot, "study");
        Directory.CreateDirectory(target);
        var source = Path.Combine(AppContext.BaseDirectory, "Experiments", "RecordedStudies", "go-twin-scripted");
        foreach (var file in Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }
        return target;
    }

    [Fact]
    public async Task Recommend_From_PrintsTheYamlAndWritesTheReports()
    {
        var folder = CopyRecordedStudy();

        var (code, output, error) = await RunAsync("recommend", "--from", folder, "--margin", "0.5");

        Assert.Equal((0, ""), (code, error));
        // healthy edge 14Mi x 1.5 = 21Mi
        var yaml = output[output.IndexOf("env:", StringComparison.Ordinal)..];
        var container = KubernetesYaml.Deserialize<V1Container>(yaml);
        Assert.Equal(new ResourceQuantity("21Mi"), container.Resources.Limits["memory"]);
        Assert.Contains("Memory limit 21Mi: the healthy edge 14Mi", output);
        Assert.Contains("21Mi", File.ReadAllText(Path.Combine(folder, "report.md")));
        Assert.True(File.Exists(Path.Combine(folder, "summary.json")));
    }

    [Fact]
    public async Task Recommend_FromAFolderThatIsNoStudy_IsAOneLineUserError()
    {
        var (code, _, error) = await RunAsync("recommend", "--from", TempRoot);

        Assert.Equal(2, code);
        Assert.Equal($"headroom: '{TempRoot}' is not a study folder (no plan.json); give the folder a study wrote\n", error);
    }

    [Fact]
    public async Task Study_WithScriptedExecutorBehindTheSeam_WritesResultsAndReportsAndResumes()
    {
        var previous = TrialExecutors.Factory;
        var scripted = new ScriptedFactory();
        TrialExecutors.Factory = scripted;
        try
        {
            var spec = Path.Combine(TempRoot, "headroom.yaml");
            File.WriteAllText(spec, "name: go-twin\ntarget:\n  command: ./go-sales-api\nruntime: go\nrepeats: 2\n");
            var folder = Path.Combine(TempRoot, "out");

            // Verification trials are not study trials (not in results.jsonl): this test counts the recorded ones.
            var (code, output, error) = await RunAsync("study", "-f", spec, "--out", folder, "--no-verify");

            Assert.Equal((0, ""), (code, error));
            Assert.Contains("survival edge 12Mi", output);
            Assert.Contains("healthy edge 14Mi", output);
            var records = StudyFolder.Open(folder).Records;
            Assert.Equal(scripted.Executor.Requests.Count, records.Count);
            Assert.Contains("## Matrix (2 interleaved rounds)", File.ReadAllText(Path.Combine(folder, "report.md")));

            var (resumedCode, resumed, _) = await RunAsync("study", "--resume", folder, "--no-verify");
            Assert.Equal(0, resumedCode);
            Assert.Contains($"{records.Count} trials (0 run, {records.Count} replayed)", resumed);
            Assert.Equal(records.Count, StudyFolder.Open(folder).Records.Count);
        }
        finally
        {
            TrialExecutors.Factory = previous;
        }
    }

    [Fact]
    public async Task Edge_ForAnImageTarget_TheLocalRunnerSaysSoInOneLine()
    {
        var spec = Path.Combine(TempRoot, "image.yaml");
        await File.WriteAllTextAsync(spec, "target:\n  image: example.invalid/sales-api:1\n", TestContext.Current.CancellationToken);
        var (code, _, error) = await RunAsync("edge", "-f", spec, "--out", Path.Combine(TempRoot, "edge"));

        Assert.Equal(2, code);
        Assert.StartsWith("headroom: target image 'example.invalid/sales-api:1' needs the container runner", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("edge")]
    [InlineData("matrix")]
    [InlineData("floor")]
    [InlineData("study")]
    public async Task AnyExperimentCommand_TakesTheTargetAfterTheDoubleDash_AndNamesItWhenMissing(string command)
    {
        var folder = Path.Combine(TempRoot, command + "-missing");
        var (code, _, error) = await RunAsync(command, "--out", folder, "--ready", "http://127.0.0.1:1/ready", "--", "no-such-program-headroom", "--flag");

        Assert.Equal(2, code);
        Assert.Equal("headroom: command 'no-such-program-headroom' not found (not a file and not on PATH); check the command after '--'", error.Trim());
        Assert.False(Directory.Exists(folder), "no study folder is left behind for a target that cannot start");
    }

    [Fact]
    public async Task SpecCommandNotFound_IsNamedByItsSpecKey()
    {
        var spec = Path.Combine(TempRoot, "missing.yaml");
        await File.WriteAllTextAsync(spec, "target:\n  command: no-such-program-headroom -m http.server 8000\nload: -n 10 http://127.0.0.1:1/\n", TestContext.Current.CancellationToken);
        var (code, _, error) = await RunAsync("edge", "-f", spec, "--out", Path.Combine(TempRoot, "missing"));

        Assert.Equal(2, code);
        Assert.Equal("headroom: target.command: 'no-such-program-headroom' not found (not a file and not on PATH); check target.command in the spec", error.Trim());
    }

    [Theory]
    [InlineData("edge", "--resolution", "(default 1Mi)")]
    [InlineData("matrix", "--repeats", "(default 3)")]
    [InlineData("study", "--healthy", "(default 0.9)")]
    [InlineData("recommend", "--margin", "0.25)")]
    public async Task Help_PrintsTheDefaults(string command, string option, string defaultText)
    {
        var (code, output, _) = await RunAsync(command, "--help");

        Assert.Equal(0, code);
        Assert.Contains(option, output);
        Assert.Contains(defaultText, output);
    }

    [Fact]
    public async Task Edge_BadConfirm_IsAOneLineUserError()
    {
        var (code, _, error) = await RunAsync("edge", "--confirm", "0");

        Assert.Equal((2, "headroom: --confirm must be from 1 to 39 (got 0)\n"), (code, error));
    }

    [Fact]
    public async Task Edge_UnknownStrategy_IsAOneLineUserError()
    {
        var (code, _, error) = await RunAsync("edge", "--strategy", "binary");

        Assert.Equal((2, "headroom: --strategy must be bisect or linear (got 'binary')\n"), (code, error));
    }

    private sealed class ScriptedFactory : ITrialExecutorFactory
    {
        public ScriptedTrialExecutor Executor { get; } = GoTwinScript.Executor();

        public ITrialExecutor Create(StudySpec spec) => Executor;

        public Func<TrialResult, string, CancellationToken, Task>? SaveSamples => null;
    }
}

using System.Collections.Concurrent;
using System.Text.Json;
using Headroom.Cli;
using Headroom.Cli.Commands;
using Headroom.Specs;

namespace Headroom.Tests.GoSample;

/// <summary>
/// <c>headroom study --target go</c> end to end on the real Go sample under real cgroups, made short by its flags
/// (a small load, 2Mi steps, one confirming trial, one matrix round): it finds an edge, and the <c>go</c> preset's
/// GOMEMLIMIT is in each knob trial's environment and comes back from the runtime as its <c>memlimit</c>.
/// </summary>
[Collection(RealCgroupsCollection.Name)]
public sealed class GoSampleStudyTests() : TempFolderTest("headroom-go-study-")
{
    [Fact]
    public async Task ShortStudy_FindsAnEdge_AndTheGoPresetsLimitReachesTheRuntime()
    {
        var cgroups = CgroupRequirement.Writable();
        var previous = TrialExecutors.Factory;
        var capturing = new CapturingFactory(new LocalRunnerFactory());
        TrialExecutors.Factory = capturing;
        var folder = Path.Combine(TempRoot, "study");
        int code;
        string output, error;
        try
        {
            using var stdout = new StringWriter();
            using var stderr = new StringWriter();
            code = await HeadroomApp.RunAsync(
                ["study", "--target", "go", "--load", "-c 5 -n 200", "--resolution", "2Mi", "--confirm", "1", "--repeats", "1",
                 "--max", "48Mi", "--limits", "16Mi", "32Mi", "--sustain", "2s", "--out", folder],
                stdout, stderr);
            (output, error) = (stdout.ToString(), stderr.ToString());
        }
        finally
        {
            TrialExecutors.Factory = previous;
        }

        Assert.Equal((0, ""), (code, error));
        Assert.Empty(CgroupRequirement.LeftBehind(cgroups));
        using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "summary.json"), TestContext.Current.CancellationToken));
        var edge = summary.RootElement.GetProperty("edge");
        var survival = edge.GetProperty("survivalEdge").GetString();
        var failing = edge.GetProperty("largestFailing").GetString();
        TestContext.Current.SendDiagnosticMessage($"Go sample: survival edge {survival}, largest failing {failing}");
        Assert.NotNull(survival);
        Assert.NotNull(failing);
        Assert.Contains($"survival edge {survival}", output);
        var records = StudyFolder.Open(folder).Records;
        Assert.Contains(records, r => r.Phase == "edge" && r.Outcome == "survived");
        Assert.Contains(records, r => r.Phase == "edge" && r.Outcome != "survived");

        // The go preset: GOMEMLIMIT = the limit in bytes and GOGC=off in the environment, and the runtime reports it.
        var knobTrials = capturing.Results.Where(r => r.Request.Knobs.Name == "go" && r.Survived && r.Request.Limit is not null).ToList();
        Assert.NotEmpty(knobTrials);
        foreach (var trial in knobTrials)
        {
            var bytes = trial.Request.Limit!.Value.Bytes;
            Assert.Equal(bytes.ToString(CultureInfo.InvariantCulture), trial.Details.KnobEnvironment["GOMEMLIMIT"]);
            Assert.Equal("off", trial.Details.KnobEnvironment["GOGC"]);
            // After the load, or before it when a slow target did not answer the read after (a 2-s timeout).
            Assert.Equal(bytes, (trial.Details.RuntimeAfter ?? trial.Details.RuntimeBefore)?.MemoryLimitBytes);
        }
        var plainTrials = capturing.Results.Where(r => r.Request.Knobs.Name == "none" && r.Survived).ToList();
        Assert.NotEmpty(plainTrials);
        Assert.All(plainTrials, t => Assert.Equal(long.MaxValue, (t.Details.RuntimeAfter ?? t.Details.RuntimeBefore)?.MemoryLimitBytes));
        // The study's own record keeps the runtime's limit too.
        Assert.All(records.Where(r => r.KnobSet == "go" && r.Outcome == "survived" && r.Limit is not null),
            r => Assert.Equal(r.Limit!.Value.Bytes, r.Memory.RuntimeMemoryLimitBytes));
    }

    /// <summary>The local runner for the spec, with every trial's full result kept for the assertions.</summary>
    private sealed class CapturingFactory(ITrialExecutorFactory inner) : ITrialExecutorFactory
    {
        public ConcurrentQueue<TrialResult> Results { get; } = new();

        public ITrialExecutor Create(StudySpec spec) => new Capturing(inner.Create(spec), Results);

        public Func<TrialResult, string, CancellationToken, Task>? SaveSamples => inner.SaveSamples;

        private sealed class Capturing(ITrialExecutor executor, ConcurrentQueue<TrialResult> results) : ITrialExecutor
        {
            public async Task<TrialResult> RunAsync(TrialRequest request, IProgress<string>? progress, CancellationToken cancellationToken)
            {
                var result = await executor.RunAsync(request, progress, cancellationToken);
                results.Enqueue(result);
                return result;
            }
        }
    }
}

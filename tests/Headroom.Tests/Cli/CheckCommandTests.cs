using System.Xml.Linq;

namespace Headroom.Tests.Cli;

/// <summary>
/// <c>headroom check</c> on a real server under real kernel limits: go-oom keeps 8 MiB per request, so 4 requests
/// need about 45 MiB charged; it passes at 128Mi and is OOM-killed at 24Mi.
/// </summary>
[Collection(RealCgroupsCollection.Name)]
public sealed class CheckCommandTests() : TempFolderTest("headroom-check-")
{
    private static async Task<(int Exit, string Stdout, string Stderr)> CheckAsync(params string[] options)
    {
        CgroupRequirement.Writable();
        var server = await TestPrograms.GoOomAsync();
        var port = PortCheck.FreePort().ToString(CultureInfo.InvariantCulture);
        return await CliRun.RunAsync(
            ["check", "--confirm", "2", "--ready", $"http://127.0.0.1:{port}/ready", "--load", $"-c 1 -n 4 http://127.0.0.1:{port}/grow",
             .. options, "--", server, "serve", port, "8"]);
    }

    private static async Task<T> WithGitHubSummaryAsync<T>(string path, Func<Task<T>> run)
    {
        var previous = Environment.GetEnvironmentVariable("GITHUB_STEP_SUMMARY");
        Environment.SetEnvironmentVariable("GITHUB_STEP_SUMMARY", path);
        try
        {
            return await run();
        }
        finally
        {
            Environment.SetEnvironmentVariable("GITHUB_STEP_SUMMARY", previous);
        }
    }

    [Fact]
    public async Task LimitAboveTheNeed_Passes_WritesJUnitAndGitHubSummary()
    {
        var junit = Path.Combine(TempRoot, "junit.xml");
        var summary = Path.Combine(TempRoot, "step-summary.md");

        var (code, output, _) = await WithGitHubSummaryAsync(summary, () => CheckAsync("--limit", "128Mi", "--junit", junit));

        Assert.Equal(0, code);
        Assert.Contains("PASS  survives at 128Mi", output);
        Assert.EndsWith("headroom check passed\n", output);
        var suite = XDocument.Load(junit).Root!.Element("testsuite")!;
        Assert.Equal(("1", "0"), ((string)suite.Attribute("tests")!, (string)suite.Attribute("failures")!));
        var testCase = Assert.Single(suite.Elements("testcase"));
        Assert.Equal("survives at 128Mi", (string)testCase.Attribute("name")!);
        Assert.Null(testCase.Element("failure"));
        Assert.Equal(2, ((string)testCase.Element("system-out")!).Split('\n').Count(l => l.StartsWith("128Mi: survived", StringComparison.Ordinal)));
        var markdown = await File.ReadAllTextAsync(summary, TestContext.Current.CancellationToken);
        Assert.StartsWith("### headroom check: passed", markdown);
        Assert.Contains("| survives at 128Mi | 128Mi | none | 2 | ✅ survived 2 of 2 |", markdown);
    }

    [Fact]
    public async Task LimitBelowTheNeed_Fails_WithTheKillAsTheJUnitFailure()
    {
        var junit = Path.Combine(TempRoot, "junit.xml");
        var summary = Path.Combine(TempRoot, "step-summary.md");

        var (code, output, _) = await WithGitHubSummaryAsync(summary, () => CheckAsync("--limit", "24Mi", "--junit", junit));

        Assert.Equal(1, code);
        Assert.Contains("FAIL  survives at 24Mi", output);
        Assert.Contains("trial 1 of 2: oom-killed (oom_kill 0->1", output);
        Assert.EndsWith("headroom check failed\n", output);
        var suite = XDocument.Load(junit).Root!.Element("testsuite")!;
        Assert.Equal("1", (string)suite.Attribute("failures")!);
        var failure = Assert.Single(suite.Elements("testcase")).Element("failure")!;
        Assert.StartsWith("trial 1 of 2: oom-killed", (string)failure.Attribute("message")!, StringComparison.Ordinal);
        Assert.StartsWith("### headroom check: FAILED", await File.ReadAllTextAsync(summary, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Baseline_EdgeGrownBeyondTheTolerance_Fails_WithinIt_Passes()
    {
        // As if recorded when the server needed far less (20Mi), and when it needed more than now (96Mi).
        var grown = Path.Combine(TempRoot, "grown.json");
        await File.WriteAllTextAsync(grown, """{ "name": "x", "edge": { "survivalEdge": "20Mi", "healthyEdge": "22Mi" } }""", TestContext.Current.CancellationToken);
        var roomy = Path.Combine(TempRoot, "roomy.json");
        await File.WriteAllTextAsync(roomy, """{ "name": "x", "edge": { "survivalEdge": "96Mi", "healthyEdge": "96Mi" } }""", TestContext.Current.CancellationToken);

        // With --healthy: below what the server needs it is either killed or crawls (a trial here once crawled through
        // its 4 requests at 22Mi in 17 s and counted as survived), and either is unhealthy.
        var (failed, failedOutput, _) = await CheckAsync("--baseline", grown, "--tolerance", "10%", "--healthy");
        var (passed, passedOutput, _) = await CheckAsync("--baseline", roomy, "--tolerance", "10%");

        Assert.Equal(1, failed);
        Assert.Contains("survival edge grew by at most 10 % since 20Mi (survives at 22Mi)", failedOutput);
        Assert.Contains("FAIL  healthy edge grew by at most 10 % since 22Mi (healthy at 24780Ki)", failedOutput);
        Assert.Equal(0, passed);
        Assert.Contains("PASS  survival edge grew by at most 10 % since 96Mi (survives at 108134Ki)", passedOutput);
    }

    [Fact]
    public async Task Healthy_JudgesAgainstAnUnlimitedRunMadeFirst()
    {
        var summary = Path.Combine(TempRoot, "step-summary.md");

        var (code, output, _) = await WithGitHubSummaryAsync(summary, () => CheckAsync("--limit", "128Mi", "--healthy"));

        Assert.Equal(0, code);
        Assert.Contains("PASS  healthy at 128Mi", output);
        Assert.Contains("Unlimited baseline: unlimited: survived", await File.ReadAllTextAsync(summary, TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData(new[] { "check", "--load", "-n 1 http://127.0.0.1:1/", "--", "/bin/true" }, "headroom: nothing to check: give --limit, --from a study folder, or --baseline summary.json\n")]
    [InlineData(new[] { "check", "--limit", "40Mi", "--", "/bin/true" }, "headroom: a command needs --load: hey's arguments with the URL to load, e.g. --load \"-c 10 -n 1000 http://127.0.0.1:3000/\"\n")]
    [InlineData(new[] { "check", "--limit", "lots" }, "headroom: --limit 'lots' is not valid: ")]
    [InlineData(new[] { "check", "--limit", "40Mi", "--env", "NOEQUALS" }, "headroom: --env 'NOEQUALS' is not K=V; e.g. --env GOMEMLIMIT=30MiB\n")]
    public async Task BadInput_IsOneLine_Exit2(string[] args, string expected)
    {
        var (code, _, error) = await CliRun.RunAsync(args);

        Assert.Equal(2, code);
        Assert.StartsWith(expected, error, StringComparison.Ordinal);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public async Task BadTolerance_IsOneLine_Exit2()
    {
        var (code, _, error) = await CliRun.RunAsync("check", "--baseline", "x.json", "--tolerance", "lots", "--load", "-n 1 http://127.0.0.1:1/", "--", "/bin/true");

        Assert.Equal((2, "headroom: --tolerance 'lots' is not a tolerance; use a percentage such as 10% (from 0% to 100%)\n"), (code, error));
    }
}

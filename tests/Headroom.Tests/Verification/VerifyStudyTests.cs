using System.Globalization;
using System.Text.Json;
using Headroom.Tests.Runners;
using Headroom.Tests.Support;

namespace Headroom.Tests.Verification;

/// <summary>
/// The recommendation is run before it is printed, with the snippet's exact setting: a real Python server under real
/// cgroups writes the environment and memory limit it was started with, and the verified starts show the runtime
/// limit and the limit the report printed. <c>headroom verify</c> does the same for any setting, and fails one that
/// cannot survive.
/// </summary>
[Collection(RealCgroupsCollection.Name)]
public sealed class VerifyStudyTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("headroom-verify-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private sealed record Start(Dictionary<string, string> Env, long? Limit);

    private static List<Start> Starts(string envFile) =>
        [.. File.ReadAllLines(envFile).Select(line =>
        {
            using var json = JsonDocument.Parse(line);
            var env = json.RootElement.GetProperty("env").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
            var limit = json.RootElement.GetProperty("limit");
            return new Start(env, limit.ValueKind == JsonValueKind.Null ? null : limit.GetInt64());
        })];

    [Fact]
    public async Task Study_VerifiesTheSnippetsSetting_TheTargetStartedWithTheRuntimeLimitAndLimitTheReportPrinted()
    {
        var cgroups = CgroupRequirement.Writable();
        var port = FreePort.Next();
        var folder = Path.Combine(_root, "study");
        var envFile = Path.Combine(_root, "starts.jsonl");
        var args = string.Join(", ", new[] { TestPrograms.TestServer(), port.ToString(CultureInfo.InvariantCulture), "--env-file", envFile }.Select(a => $"\"{a}\""));
        var spec = Path.Combine(_root, "headroom.yaml");
        // runtime: dotnet gives the hexadecimal DOTNET_GCHeapHardLimit the issue's example prints (Python ignores it).
        // warm: no cold-set discovery start; --min 12Mi and --max 48Mi keep the edge and floor searches (the floor
        // runs with the dotnet preset) to a few limits around the server's ~11 MiB of anon memory.
        File.WriteAllText(spec, $"name: verified\nruntime: dotnet\nwarm: true\ntarget:\n  command: python3\n  args: [{args}]\n  ready: http://127.0.0.1:{port}/ready\nload: \"-c 2 -n 200 http://127.0.0.1:{port}/\"\n");

        var (exit, stdout, stderr) = await CliRun.RunAsync("study", "-f", spec, "--out", folder, "--plain", "--baseline-runs", "1", "--resolution", "4Mi",
            "--min", "12Mi", "--max", "48Mi", "--confirm", "2", "--knobs", "none", "--limits", "64Mi", "--repeats", "1", "--sustain", "3s");

        Assert.Equal((0, ""), (exit, stderr));
        Assert.Empty(CgroupRequirement.LeftBehind(cgroups));
        using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(folder, "summary.json"), TestContext.Current.CancellationToken));
        var recommendation = summary.RootElement.GetProperty("recommendation");
        var limit = Headroom.Limits.MemoryQuantity.Parse(recommendation.GetProperty("limit").GetString()!);
        var value = recommendation.GetProperty("runtimeValue").GetString()!;
        var verification = summary.RootElement.GetProperty("verification");
        Assert.True(verification.GetProperty("verified").GetBoolean(), stdout);
        // The line as summary.json and report.md carry it (the console wraps long prose lines at its width).
        var setting = $"2 of 2 survived and healthy at {limit} with DOTNET_GCHeapHardLimit={value}";
        var lines = verification.GetProperty("lines").EnumerateArray().Select(l => l.GetString()!).ToList();
        Assert.Contains(lines, l => l.StartsWith($"verified: {setting}", StringComparison.Ordinal) && l.Contains("; 3-s run: no OOM", StringComparison.Ordinal));
        Assert.Contains($"Verified: {setting}", await File.ReadAllTextAsync(Path.Combine(folder, "report.md"), TestContext.Current.CancellationToken));
        Assert.Contains($"Verified: 2 of 2 survived and healthy at {limit}", stdout);
        Assert.Contains($"value: {value}", recommendation.GetProperty("containerYaml").GetString());
        // The last three starts are the verification's (two cold, one sustained): each had the printed limit and value.
        var starts = Starts(envFile);
        Assert.All(starts[^3..], s => Assert.Equal((limit.Bytes, value), (s.Limit, s.Env.GetValueOrDefault("DOTNET_GCHeapHardLimit"))));
        Assert.Equal("survived", summary.RootElement.GetProperty("baselineOutcome").GetString());

        // Kept in verification.json: `recommend --from` prints it, and a resume of the finished study reuses it
        // without starting the target again.
        Assert.True(File.Exists(Path.Combine(folder, "verification.json")));
        (exit, var recommended, stderr) = await CliRun.RunAsync("recommend", "--from", folder);
        Assert.Equal((0, ""), (exit, stderr));
        Assert.Contains($"Verified: 2 of 2 survived and healthy at {limit}", recommended);
        (exit, var resumed, stderr) = await CliRun.RunAsync("study", "--resume", folder, "--plain", "--sustain", "3s");
        Assert.Equal((0, ""), (exit, stderr));
        Assert.Contains("verification: reused from verification.json", resumed);
        Assert.Contains($"Verified: 2 of 2 survived and healthy at {limit}", resumed);
        Assert.Equal(starts.Count, Starts(envFile).Count);
        // Written after other trials than the folder holds now: not this study's verification any more.
        var stored = Path.Combine(folder, "verification.json");
        await File.WriteAllTextAsync(stored, (await File.ReadAllTextAsync(stored, TestContext.Current.CancellationToken)).Replace("\n  \"trials\": ", "\n  \"trials\": 1", StringComparison.Ordinal), TestContext.Current.CancellationToken);
        (exit, recommended, _) = await CliRun.RunAsync("recommend", "--from", folder);
        Assert.Equal(0, exit);
        Assert.Matches(@"verification: verification\.json was written after 1\d+ recorded trials; there are \d+ now; not used", recommended);
        Assert.DoesNotContain("Verified:", recommended, StringComparison.Ordinal);
        Assert.Empty(CgroupRequirement.LeftBehind(cgroups));
    }

    [Fact]
    public async Task Verify_AnySetting_StartsWithItsEnvironment_AndASettingThatCannotSurviveExits1()
    {
        var cgroups = CgroupRequirement.Writable();
        var port = FreePort.Next();
        var envFile = Path.Combine(_root, "starts.jsonl");
        string[] Command(params string[] options) =>
            ["--ready", $"http://127.0.0.1:{port}/ready", "--load", $"-c 2 -n 100 http://127.0.0.1:{port}/", "--",
             "python3", TestPrograms.TestServer(), port.ToString(CultureInfo.InvariantCulture), "--env-file", envFile, .. options];

        var (exit, stdout, stderr) = await CliRun.RunAsync(["verify", "--limit", "96Mi", "--env", "GOMEMLIMIT=80MiB", "--confirm", "1", "--sustain", "2s", .. Command()]);

        Assert.Equal((0, ""), (exit, stderr));
        Assert.Contains("verified: 1 of 1 survived and healthy at 96Mi with GOMEMLIMIT=80MiB; 2-s run: no OOM", stdout);
        var starts = Starts(envFile);
        Assert.Equal((null, null), (starts[0].Limit, starts[0].Env.GetValueOrDefault("GOMEMLIMIT")));
        Assert.All(starts[1..], s => Assert.Equal((96L << 20, "80MiB"), (s.Limit, s.Env.GetValueOrDefault("GOMEMLIMIT"))));

        // 32 MiB of ballast cannot fit in 16Mi: not verified, exit 1, and the reason on the line.
        (exit, stdout, _) = await CliRun.RunAsync(["verify", "--limit", "16Mi", "--confirm", "1", "--sustain", "0s", .. Command("--ballast", "32")]);

        Assert.Equal(1, exit);
        Assert.Contains("not verified: 0 of 1 survived and healthy at 16Mi with no runtime limit", stdout);
        Assert.Contains("no setting verified in 1 attempt", stdout);
        Assert.Empty(CgroupRequirement.LeftBehind(cgroups));
    }
}

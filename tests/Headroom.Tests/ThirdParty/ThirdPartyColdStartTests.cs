using System.Text.RegularExpressions;
using Headroom.Load;

namespace Headroom.Tests.ThirdParty;

/// <summary>
/// The third-party suite: nginx serving a static file, <c>python3 -m http.server</c>, a JDK
/// <c>com.sun.net.httpserver</c> app and a Node <c>http</c> server. For each, Headroom's cold start charges at least
/// 80 % of the file pages a run charges after the runtime's whole install was evicted by hand; a short edge search
/// finds an edge or says how far down it survives; the recommendation names the runtime's variable.
/// </summary>
[Collection(RealCgroupsCollection.Name)]
public sealed partial class ThirdPartyColdStartTests() : TempFolderTest("headroom-third-party-")
{
    private static readonly LocalRunnerOptions s_options = new() { Hold = TimeSpan.FromSeconds(1), StopGrace = TimeSpan.FromSeconds(1) };

    [Fact]
    public async Task Jdk_ColdStartChargesTheJdk_AndTheStudyRecommendsMaxRamPercentage() =>
        await CheckAsync(await ThirdPartyServices.JdkAsync(), "JAVA_TOOL_OPTIONS");

    [Fact]
    public async Task Python_ColdStartChargesTheStandardLibrary_AndTheStudyFindsAnEdge() =>
        await CheckAsync(ThirdPartyServices.Python(TempRoot), runtimeVariable: null);

    [Fact]
    public async Task Node_ColdStartChargesNode_AndTheStudyRecommendsMaxOldSpaceSize() =>
        await CheckAsync(ThirdPartyServices.Node(), "NODE_OPTIONS");

    [Fact]
    public async Task Nginx_ColdStartChargesItsLibraries_AndTheStudyFindsAnEdgeOrHowFarDownItSurvives() =>
        await CheckAsync(ThirdPartyServices.Nginx(TempRoot), runtimeVariable: null);

    private async Task CheckAsync(ThirdPartyService service, string? runtimeVariable)
    {
        var cgroups = CgroupRequirement.Writable();
        var ct = TestContext.Current.CancellationToken;
        var launch = new TargetLaunch(service.Command) { ReadyUrl = new Uri(service.ReadyUrl) };
        var load = new HeyLoad(HeyArguments.Parse(HeyArguments.Split(service.Load())));

        var cold = new LocalTrialExecutor(new CommandTarget(launch), load, s_options);
        await cold.DiscoverAsync(null, ct);
        var coldRun = await cold.RunAsync(new TrialRequest(null, KnobSet.None), null, ct);

        var byHand = PageCacheEvictor.Evict(await InstallByHandAsync(service));
        var warm = new LocalTrialExecutor(new CommandTarget(launch), load, s_options with { Warm = true });
        var handRun = await warm.RunAsync(new TrialRequest(null, KnobSet.None), null, ct);
        Assert.Empty(CgroupRequirement.LeftBehind(cgroups));

        var coldFile = coldRun.Memory.PeakFileBytes!.Value;
        var handFile = handRun.Memory.PeakFileBytes!.Value;
        Assert.True(coldFile >= 0.8 * handFile,
            $"{service.Name}: cold start charged {coldFile >> 10} KiB of file pages, the by-hand eviction ({byHand.Files} files) {handFile >> 10} KiB; {coldRun.Details.Eviction}");

        var study = Path.Combine(TempRoot, "study-" + service.Name);
        var (exit, stdout, stderr) = await CliRun.RunAsync(["edge", "--out", study, "--ready", service.ReadyUrl, "--load", service.Load(200),
            "--confirm", "1", "--baseline-runs", "1", "--", .. service.Command]);
        Assert.True(exit == 0, stderr + stdout);
        Assert.Contains("runtime: ", stdout, StringComparison.Ordinal);
        Assert.True(stdout.Contains("survival edge ", StringComparison.Ordinal) || SurvivesDownTo().IsMatch(stdout), stdout);
        Assert.True(File.Exists(Path.Combine(study, ColdSet.FileName)));

        var recommend = await CliRun.RunAsync("recommend", "--from", study);
        Assert.True(recommend.Exit == 0, recommend.Stderr + recommend.Stdout);
        if (runtimeVariable is not null && stdout.Contains("survival edge ", StringComparison.Ordinal))
        {
            Assert.Contains(runtimeVariable, recommend.Stdout, StringComparison.Ordinal);
        }
    }

    [GeneratedRegex(@"survives at everything down to \d+Mi")]
    private static partial Regex SurvivesDownTo();

    /// <summary>
    /// What a person would evict to make the runtime cold, found without Headroom's discovery: the executable, every
    /// library <c>ldd</c> lists for it, and the runtime's install folder (JDK home, Python's prefix library, nginx's modules).
    /// </summary>
    private static async Task<IReadOnlyList<string>> InstallByHandAsync(ThirdPartyService service)
    {
        var ct = TestContext.Current.CancellationToken;
        var executable = new FileInfo(TargetFiles.ResolveExecutable(service.Command[0])!).ResolveLinkTarget(true)?.FullName ?? TargetFiles.ResolveExecutable(service.Command[0])!;
        var folders = new List<string>();
        var binaries = new List<string> { executable };
        switch (service.Name)
        {
            case "jdk":
                var home = Path.GetDirectoryName(Path.GetDirectoryName(executable))!;
                folders.Add(home);
                binaries.Add(Path.Combine(home, "lib", "server", "libjvm.so"));
                break;
            case "python":
                var info = await ProcessRunner.RunAsync(new ProcessSpec("python3", ["-c", "import sys, sysconfig; print(sys.executable); print(sysconfig.get_paths()['stdlib'])"]), ct);
                var lines = info.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
                binaries.Add(lines[0]);
                folders.Add(lines[1]);
                break;
            case "nginx":
                folders.Add("/usr/lib/nginx");
                break;
        }
        var files = new List<string>(binaries);
        foreach (var binary in binaries.ToList())
        {
            var ldd = await ProcessRunner.RunAsync(new ProcessSpec("ldd", [binary]), ct);
            files.AddRange(ldd.StandardOutput.Split('\n').Select(l => l.Trim()).Select(l => l.Contains("=> /", StringComparison.Ordinal) ? l[(l.IndexOf("=> ", StringComparison.Ordinal) + 3)..] : l)
                .Where(l => l.StartsWith('/')).Select(l => l.Split(' ')[0]));
        }
        files.AddRange(folders.Where(Directory.Exists).SelectMany(f => Directory.EnumerateFiles(f, "*", SearchOption.AllDirectories)));
        return files;
    }
}

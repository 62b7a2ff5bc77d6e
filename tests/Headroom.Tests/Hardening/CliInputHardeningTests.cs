using Headroom.Load;
using Headroom.Specs;

namespace Headroom.Tests.Hardening;

/// <summary>Hostile or absurd input to the CLI and the spec: one bounded line, the right exit code, nothing left behind.</summary>
public sealed class CliInputHardeningTests() : TempFolderTest("headroom-input-")
{
    private string Spec(string yaml)
    {
        var path = Path.Combine(TempRoot, $"spec-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    [Theory]
    [InlineData("margin: .nan", "headroom.yaml: margin must be a fraction such as 0.25 (got NaN)")]
    [InlineData("healthy: .nan", "headroom.yaml: healthy must be a fraction in (0, 1], e.g. 0.9 (got NaN)")]
    [InlineData("repeats: 1000000000", "headroom.yaml: repeats must be from 1 to 100 (got 1000000000)")]
    [InlineData("confirm: 50", "headroom.yaml: confirm must be from 1 to 39 (got 50)")]
    [InlineData("target:\n  command: ./x\n  ports: [-1, 70000]", "headroom.yaml: target.ports must be TCP ports from 1 to 65535 (got -1)")]
    [InlineData("min: 64Mi\nmax: 32Mi", "headroom.yaml: min 64Mi must be below max 32Mi")]
    public void Spec_AbsurdValue_IsRefusedNamingTheSpecKey(string yaml, string message)
    {
        var error = Assert.Throws<UserInputException>(() => StudySpecReader.Parse(yaml));

        Assert.Equal(message, error.Message);
    }

    [Theory]
    [InlineData("99999999Ti")]
    [InlineData("9999999999999999999999999")]
    public void Spec_QuantityBeyondAnyMachine_IsRefusedNotClamped(string quantity)
    {
        var error = Assert.Throws<UserInputException>(() => StudySpecReader.Parse($"limits: [{quantity}]"));

        Assert.StartsWith($"headroom.yaml: limits[0] '{quantity}' is not valid: it is too large", error.Message);
    }

    [Fact]
    public async Task Study_SpecWithAHugeValue_ErrorIsOneShortLine()
    {
        var spec = Spec($"limits: [\"{new string('9', 500_000)}x\"]\n");

        var (exit, _, error) = await CliRun.RunAsync("edge", "-f", spec, "-o", Path.Combine(TempRoot, "out"));

        Assert.Equal(2, exit);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
        Assert.InRange(error.Length, 100, 1100);
        Assert.Contains("characters cut", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(TempRoot, "out")));
    }

    [Fact]
    public async Task Study_SpecFileOfMegabytes_IsRefusedBeforeReading()
    {
        var spec = Spec($"name: \"{new string('a', 2 * 1024 * 1024)}\"\n");

        var (exit, _, error) = await CliRun.RunAsync("edge", "-f", spec, "-o", Path.Combine(TempRoot, "out"));

        Assert.Equal(2, exit);
        Assert.StartsWith($"headroom: spec file '{spec}' is ", error, StringComparison.Ordinal);
        Assert.Contains(" bytes; a headroom.yaml is a few kilobytes (at most 1024 KiB)", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Study_SpecTheRunnerRejects_LeavesNoStudyFolder()
    {
        var spec = Spec("target:\n  image: example.invalid/api:1\n");
        var folder = Path.Combine(TempRoot, "rejected");

        var (exit, _, _) = await CliRun.RunAsync("edge", "-f", spec, "-o", folder);

        Assert.Equal(2, exit);
        Assert.False(Directory.Exists(folder), "a rejected spec left an empty study folder");
    }

    [Fact]
    public async Task Study_OutUnderTheCgroupFileSystem_IsRefusedAndCreatesNothing()
    {
        var folder = $"/sys/fs/cgroup/memory/headroom-test-{Environment.ProcessId}";

        var (exit, _, error) = await CliRun.RunAsync("edge", "-f", Spec("target:\n  command: ./x\n"), "-o", folder);

        Assert.Equal(2, exit);
        Assert.StartsWith($"headroom: '{folder}' is under /sys, the kernel's own file system", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public async Task Study_OutFolderThatCannotBeCreated_IsOneLineNamingItExit1()
    {
        var file = Path.Combine(TempRoot, "a-file");
        File.WriteAllText(file, "");
        var folder = Path.Combine(file, "study");

        var (exit, _, error) = await CliRun.RunAsync("edge", "-f", Spec("target:\n  command: ./x\n"), "-o", folder);

        Assert.Equal(1, exit);
        Assert.StartsWith($"headroom: cannot create the study folder {folder}: ", error, StringComparison.Ordinal);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void LoadArguments_RequestCountBeyondInt_SaysTooLarge()
    {
        var error = Assert.Throws<UserInputException>(() => HeyArguments.Parse(["-n", "999999999999", "http://127.0.0.1/"]));

        Assert.Equal("-n 999999999999 is too large: at most 2147483647", error.Message);
    }

    [Fact]
    public void LoadArguments_UserInfoInTheUrl_IsSentAsBasicAuthLikeHey()
    {
        var options = HeyArguments.Parse(["http://user:s%40cret@127.0.0.1:8080/v1/users"]);

        Assert.Equal("user:s@cret", options.BasicAuth);
        var request = System.Text.Encoding.ASCII.GetString(RequestTemplate.Create(options).Bytes);
        Assert.Contains("Authorization: Basic dXNlcjpzQGNyZXQ=\r\n", request, StringComparison.Ordinal);
        Assert.Contains("Host: 127.0.0.1:8080\r\n", request, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../../escaped", "escaped")]
    [InlineData("/etc/cron.d/x", "etc-cron.d-x")]
    [InlineData("..", "study")]
    [InlineData("sales api", "sales-api")]
    [InlineData("go-sales-api", "go-sales-api")]
    public void StudyName_IsReducedToASafeFileName(string name, string safe) =>
        Assert.Equal(safe, StudyFolder.SafeName(name));
}

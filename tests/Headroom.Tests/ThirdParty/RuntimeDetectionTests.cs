using System.Diagnostics;
using Headroom.Specs;
using Headroom.Targets;

namespace Headroom.Tests.ThirdParty;

/// <summary>The runtime told from what real processes map: jvm, dotnet, go, node, and none for a C program.</summary>
public class RuntimeDetectionTests
{
    private static async Task<DetectedRuntime> DetectAsync(IReadOnlyList<string> command, TargetRuntime? expected)
    {
        using var process = Process.Start(new ProcessStartInfo(command[0], command.Skip(1)) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        try
        {
            // A runtime maps its library within a second or two of its start; read until it shows or 10 s pass.
            DetectedRuntime detected = new(null, "not read");
            for (var i = 0; i < 50; i++)
            {
                await Task.Delay(200, TestContext.Current.CancellationToken);
                var files = ProcessFiles.Of(process.Id);
                detected = RuntimeDetection.Detect(files.Executable is { } exe ? [exe] : [], files.Files);
                if (detected.Runtime == expected && (expected is not null || i >= 5))
                {
                    break;
                }
            }
            return detected;
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task Java_IsJvm_ByItsLibjvm()
    {
        var service = await ThirdPartyServices.JdkAsync();
        var detected = await DetectAsync(service.Command, TargetRuntime.Jvm);
        Assert.Equal(TargetRuntime.Jvm, detected.Runtime);
        Assert.EndsWith("/lib/server/libjvm.so", detected.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DotnetApp_IsDotnet_ByItsLibcoreclr()
    {
        var detected = await DetectAsync(["dotnet", TestPrograms.DotnetAlloc(), "8", "30"], TargetRuntime.Dotnet);
        Assert.Equal(TargetRuntime.Dotnet, detected.Runtime);
        Assert.EndsWith("libcoreclr.so", detected.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GoBinary_IsGo_ByItsBuildInfo()
    {
        var goOom = await TestPrograms.GoOomAsync();
        var port = Support.FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var detected = await DetectAsync([goOom, "serve", port, "8"], TargetRuntime.Go);
        Assert.Equal(TargetRuntime.Go, detected.Runtime);
        Assert.Equal($"Go build info in {goOom}", detected.Evidence);
    }

    [Fact]
    public async Task NodeServer_IsNode()
    {
        var service = ThirdPartyServices.Node();
        var detected = await DetectAsync(service.Command, TargetRuntime.Node);
        Assert.Equal(TargetRuntime.Node, detected.Runtime);
    }

    [Fact]
    public async Task CProgram_IsNone()
    {
        var alloc = await TestPrograms.AllocAsync();
        var detected = await DetectAsync([alloc, "4", "30"], null);
        Assert.Null(detected.Runtime);
        Assert.Contains("maps no JVM, .NET or Node runtime and has no Go build info", detected.Evidence, StringComparison.Ordinal);
    }
}

using Headroom.Runners.Docker;

namespace Headroom.Tests.Docker;

/// <summary>A cold start in a container evicts the host files behind the bind mounts its command runs from.</summary>
public class BindMountFilesTests
{
    private static readonly string[] s_binds = ["/usr/share/dotnet:/usr/share/dotnet:ro", "/srv/app/publish:/app:ro", "/srv/app/publish/config:/app/config:ro"];

    [Theory]
    [InlineData("/app/SalesApi.dll", "/srv/app/publish/SalesApi.dll")]
    [InlineData("/app/config/a.json", "/srv/app/publish/config/a.json")]
    [InlineData("/app", "/srv/app/publish")]
    [InlineData("/usr/share/dotnet/dotnet", "/usr/share/dotnet/dotnet")]
    [InlineData("/application/x", null)]
    [InlineData("/etc/passwd", null)]
    public void ContainerPath_MapsThroughTheLongestMatchingBind(string inside, string? host) =>
        Assert.Equal(host, BindMountFiles.ToHost(inside, s_binds));

    [Fact]
    public void DotnetAppFromBinds_EvictsTheHostRuntimeAndTheApp()
    {
        var dll = typeof(BindMountFilesTests).Assembly.Location;
        var target = new ContainerTarget("headroom/busybox-host:1")
        {
            Command = ["/usr/share/dotnet/dotnet", "/app/" + Path.GetFileName(dll)],
            Binds = [.. LocalImage.HostDotnetBinds(), $"{Path.GetDirectoryName(dll)}:/app:ro"],
        };
        var files = BindMountFiles.ForTarget(target);
        Assert.Contains(dll, files);
        Assert.Contains(files, f => f.StartsWith("/usr/share/dotnet/shared/Microsoft.NETCore.App/", StringComparison.Ordinal));
        Assert.Empty(BindMountFiles.ForTarget(new ContainerTarget("busybox") { Command = ["sleep", "1"] }));
    }
}

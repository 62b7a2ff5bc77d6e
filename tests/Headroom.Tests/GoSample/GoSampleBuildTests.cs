using Headroom.Targets;

namespace Headroom.Tests.GoSample;

public sealed class GoSampleBuildTests
{
    [Fact]
    public async Task EnsureBuilt_LeavesAnUpToDateBinaryAlone()
    {
        var ct = TestContext.Current.CancellationToken;
        var build = GoSampleBuild.FromDirectory(AppContext.BaseDirectory);
        var binary = await build.EnsureBuiltAsync(ct);
        var builtAt = File.GetLastWriteTimeUtc(binary);

        Assert.True(build.IsUpToDate());
        Assert.Equal(binary, await build.EnsureBuiltAsync(ct));
        Assert.Equal(builtAt, File.GetLastWriteTimeUtc(binary));
    }

    [Fact]
    public async Task EnsureBuilt_WithoutGo_SaysToInstallGolangGo()
    {
        // A copy of the sources without a binary, so the build must run, with a Go tool that does not exist.
        var root = Directory.CreateTempSubdirectory("headroom-go-build-");
        try
        {
            var real = GoSampleBuild.FromDirectory(AppContext.BaseDirectory);
            var copy = Directory.CreateDirectory(Path.Combine(root.FullName, "samples", "go-sales-api"));
            File.Copy(Path.Combine(real.SourceDirectory, "go.mod"), Path.Combine(copy.FullName, "go.mod"));
            var build = new GoSampleBuild(root.FullName, goExecutable: "go-is-not-installed-here");

            var error = await Assert.ThrowsAsync<UserInputException>(() => build.EnsureBuiltAsync(TestContext.Current.CancellationToken));

            Assert.Contains("install golang-go", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', error.Message);
            Assert.False(File.Exists(build.BinaryPath));
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    [Fact]
    public void IsUpToDate_WhenASourceIsNewerThanTheBinary_IsFalse()
    {
        var root = Directory.CreateTempSubdirectory("headroom-go-build-");
        try
        {
            var build = new GoSampleBuild(root.FullName);
            Directory.CreateDirectory(build.SourceDirectory);
            Directory.CreateDirectory(Path.GetDirectoryName(build.BinaryPath)!);
            File.WriteAllText(build.BinaryPath, "old binary");
            File.SetLastWriteTimeUtc(build.BinaryPath, DateTime.UtcNow.AddMinutes(-5));
            File.WriteAllText(Path.Combine(build.SourceDirectory, "main.go"), "package main");

            Assert.False(build.IsUpToDate());
            File.SetLastWriteTimeUtc(build.BinaryPath, DateTime.UtcNow.AddMinutes(5));
            Assert.True(build.IsUpToDate());
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }
}

using System.Globalization;
using Headroom.Cli;

namespace Headroom.Tests.Cli;

/// <summary>
/// An unexpected error's details go to a folder only this user can enter, each file created new (never through a
/// planted symlink, never over another file); where that cannot be had, to stderr. Not /tmp.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class CrashDetailsTests : IDisposable
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private readonly string _state = Directory.CreateTempSubdirectory("headroom-state-").FullName;
    private readonly string _victim = Path.Combine(Path.GetTempPath(), $"headroom-victim-{Guid.NewGuid():N}");

    public void Dispose()
    {
        Directory.Delete(_state, recursive: true);
        File.Delete(_victim);
    }

    private static readonly InvalidOperationException s_error = new("the details of an unexpected error");

    [Fact]
    public void FreshStateHome_DetailsInAFolderOnlyTheUserCanEnter_FileReadableByTheUserOnly()
    {
        using var stderr = new StringWriter();

        var path = CrashDetails.Keep(s_error, stderr, _state);

        var folder = Path.Combine(_state, "headroom");
        Assert.Equal(folder, Path.GetDirectoryName(path));
        Assert.Equal(Private, File.GetUnixFileMode(folder));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path!));
        Assert.Contains("the details of an unexpected error", File.ReadAllText(path!), StringComparison.Ordinal);
        Assert.Equal("", stderr.ToString());
    }

    [Fact]
    public void FolderOthersCanEnter_DetailsOnStderrOnly_NothingWrittenThere()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_state, "headroom")).FullName;
        File.SetUnixFileMode(folder, Private | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute | UnixFileMode.OtherWrite);
        using var stderr = new StringWriter();

        Assert.Null(CrashDetails.Keep(s_error, stderr, _state));

        Assert.Empty(Directory.EnumerateFileSystemEntries(folder));
        Assert.Contains("the details of an unexpected error", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void FolderThatIsASymlink_DetailsOnStderrOnly_ItsTargetUntouched()
    {
        var elsewhere = Directory.CreateDirectory(Path.Combine(_state, "elsewhere")).FullName;
        File.SetUnixFileMode(elsewhere, Private);
        Directory.CreateSymbolicLink(Path.Combine(_state, "headroom"), elsewhere);
        using var stderr = new StringWriter();

        Assert.Null(CrashDetails.Keep(s_error, stderr, _state));

        Assert.Empty(Directory.EnumerateFileSystemEntries(elsewhere));
        Assert.Contains("the details of an unexpected error", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void SymlinksPlantedUnderTheNextFileNames_AreNotFollowed()
    {
        var folder = Path.Combine(_state, "headroom");
        Directory.CreateDirectory(folder, Private);
        File.WriteAllText(_victim, "precious");
        // The names the next few seconds would give (error-<utc time>-<pid>.txt), each a link to the victim.
        var now = DateTime.UtcNow;
        for (var s = -1; s <= 5; s++)
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"error-{now.AddSeconds(s):yyyyMMdd-HHmmss}-{Environment.ProcessId}.txt");
            File.CreateSymbolicLink(Path.Combine(folder, name), _victim);
        }
        using var stderr = new StringWriter();

        Assert.Null(CrashDetails.Keep(s_error, stderr, _state));

        Assert.Equal("precious", File.ReadAllText(_victim));
        Assert.Contains("the details of an unexpected error", stderr.ToString(), StringComparison.Ordinal);
    }
}

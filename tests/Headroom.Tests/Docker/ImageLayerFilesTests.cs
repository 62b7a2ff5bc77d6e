using Headroom.Runners.Docker;

namespace Headroom.Tests.Docker;

/// <summary>The image layer folders a container's cold start evicts, read from the engine's GraphDriver data.</summary>
public sealed class ImageLayerFilesTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("headroom-layers-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Overlay2Data_LowerAndUpperFoldersThatExist_AndEveryFileUnderThem()
    {
        var (lower1, lower2, upper) = (Folder("l1/diff"), Folder("l2/diff"), Folder("u/diff"));
        File.WriteAllText(Path.Combine(lower1, "a"), "a");
        Directory.CreateDirectory(Path.Combine(lower2, "bin"));
        File.WriteAllText(Path.Combine(lower2, "bin", "busybox"), "b");
        var data = new Dictionary<string, string>
        {
            ["LowerDir"] = $"{lower1}:{lower2}:{Path.Combine(_root, "gone")}",
            ["UpperDir"] = upper,
            ["MergedDir"] = Folder("u/merged"),
            ["WorkDir"] = Folder("u/work"),
        };

        var folders = ImageLayerFiles.Folders(data);

        Assert.Equal([lower1, lower2, upper], folders);
        Assert.Equal([Path.Combine(lower1, "a"), Path.Combine(lower2, "bin", "busybox")], ImageLayerFiles.Under(folders).Order(StringComparer.Ordinal));
        Assert.Empty(ImageLayerFiles.Folders(null));
        Assert.Empty(ImageLayerFiles.Folders(new Dictionary<string, string> { ["DeviceName"] = "docker-thinpool" }));
    }

    private string Folder(string name) => Directory.CreateDirectory(Path.Combine(_root, name)).FullName;
}

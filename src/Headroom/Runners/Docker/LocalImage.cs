using System.Formats.Tar;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Headroom.Runners.Docker;

/// <summary>
/// Images made on this machine without a registry, by importing a small root file system (<c>docker import</c>):
/// <see cref="BusyboxHostTag"/> is Debian's static busybox with mount points for the host's .NET and libraries, so a
/// framework-dependent app runs with the host's runtime bind-mounted read-only (no image build at all);
/// <see cref="EmptyTag"/> has only the directories a static binary (the Go sample) needs.
/// </summary>
public static class LocalImage
{
    public const string BusyboxHostTag = "headroom/busybox-host:1";
    public const string EmptyTag = "headroom/empty:1";

    /// <summary>Where Debian's <c>busybox-static</c> package puts the binary.</summary>
    public static readonly string[] BusyboxPaths = ["/bin/busybox", "/usr/bin/busybox"];

    /// <summary>Applets linked in the busybox image: a shell and the tools tests and users reach for.</summary>
    private static readonly string[] s_applets =
        ["sh", "cat", "ls", "env", "sleep", "head", "tail", "tr", "dd", "echo", "httpd", "ps", "free", "mkdir", "rm", "wget", "true", "false"];

    /// <summary>The host's runtime and libraries, read-only, for <see cref="BusyboxHostTag"/>.</summary>
    public static IReadOnlyList<string> HostDotnetBinds(string dotnetRoot = "/usr/share/dotnet") =>
        [$"{dotnetRoot}:/usr/share/dotnet:ro", "/usr/lib:/usr/lib:ro", .. Directory.Exists("/usr/lib64") ? new[] { "/usr/lib64:/usr/lib64:ro" } : []];

    /// <summary>Imports the busybox image unless it is there; returns its tag.</summary>
    public static async Task<string> BusyboxHostAsync(IDockerClient client, CancellationToken cancellationToken)
    {
        var busybox = BusyboxPaths.FirstOrDefault(File.Exists)
            ?? throw new UserInputException("busybox is not installed; apt-get install busybox-static");
        return await ImportUnlessPresentAsync(client, BusyboxHostTag, tar =>
        {
            AddDirectories(tar, "bin", "tmp", "etc", "proc", "sys", "dev", "app", "usr", "usr/lib", "usr/lib64", "usr/share", "usr/share/dotnet");
            tar.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "lib") { LinkName = "usr/lib" });
            tar.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "lib64") { LinkName = "usr/lib64" });
            // The file's content, not a link to it, whatever /bin is on this host.
            using var binary = File.OpenRead(busybox);
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "bin/busybox") { Mode = (UnixFileMode)0b111_101_101, DataStream = binary });
            foreach (var applet in s_applets)
            {
                tar.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "bin/" + applet) { LinkName = "busybox" });
            }
            AddText(tar, "etc/passwd", "root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n");
            AddText(tar, "etc/group", "root:x:0:\nnogroup:x:65534:\n");
        }, cancellationToken);
    }

    /// <summary>Imports the empty image (for static binaries mounted or copied in) unless it is there; returns its tag.</summary>
    public static Task<string> EmptyAsync(IDockerClient client, CancellationToken cancellationToken) =>
        ImportUnlessPresentAsync(client, EmptyTag, tar =>
        {
            AddDirectories(tar, "app", "tmp", "etc", "proc", "sys", "dev");
            AddText(tar, "etc/passwd", "root:x:0:0:root:/:/app\nnobody:x:65534:65534:nobody:/:/app\n");
        }, cancellationToken);

    private static async Task<string> ImportUnlessPresentAsync(IDockerClient client, string tag, Action<TarWriter> fill, CancellationToken cancellationToken)
    {
        try
        {
            await client.Images.InspectImageAsync(tag, cancellationToken);
            return tag;
        }
        catch (DockerImageNotFoundException)
        {
        }
        using var archive = new MemoryStream();
        using (var tar = new TarWriter(archive, TarEntryFormat.Pax, leaveOpen: true))
        {
            fill(tar);
        }
        archive.Position = 0;
        var colon = tag.LastIndexOf(':');
        await client.Images.CreateImageAsync(
            new ImagesCreateParameters { FromSrc = "-", Repo = tag[..colon], Tag = tag[(colon + 1)..] },
            archive, null, new Progress<JSONMessage>(), cancellationToken);
        // The import answers before the image is always listed.
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await client.Images.InspectImageAsync(tag, cancellationToken);
                return tag;
            }
            catch (DockerImageNotFoundException) when (attempt < 50)
            {
                await Task.Delay(100, cancellationToken);
            }
        }
    }

    private static void AddDirectories(TarWriter tar, params string[] paths)
    {
        foreach (var path in paths)
        {
            tar.WriteEntry(new PaxTarEntry(TarEntryType.Directory, path + "/")
            {
                Mode = path == "tmp" ? (UnixFileMode)0b1_111_111_111 : (UnixFileMode)0b111_101_101,
            });
        }
    }

    private static void AddText(TarWriter tar, string path, string text) =>
        tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, path)
        {
            Mode = (UnixFileMode)0b110_100_100,
            DataStream = new MemoryStream(System.Text.Encoding.ASCII.GetBytes(text)),
        });
}

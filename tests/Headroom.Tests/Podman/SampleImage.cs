using System.Formats.Tar;
using Headroom.Runners.Docker;

namespace Headroom.Tests.Podman;

/// <summary>
/// The Go sample as a local image for <c>podman kube play</c>, made without a registry: its static binary as the
/// entrypoint (as in samples/go-sales-api/Dockerfile), plus Debian's static busybox so the test can look inside the
/// running container (<c>cat</c>, <c>env</c>, <c>wget</c>).
/// </summary>
internal static class SampleImage
{
    public const string Tag = "localhost/headroom-go-sales-api:podman";

    private static readonly string[] s_applets = ["sh", "cat", "env", "wget"];

    public static string? Busybox { get; } = LocalImage.BusyboxPaths.FirstOrDefault(File.Exists);

    /// <summary>Writes the root file system as a tar and imports it with <c>podman import</c>.</summary>
    public static async Task ImportAsync(PodmanFixture podman, string goSampleBinary, CancellationToken cancellationToken)
    {
        var archive = Path.Combine(podman.Folder, "go-sales-api-rootfs.tar");
        await using (var file = File.Create(archive))
        await using (var tar = new TarWriter(file, TarEntryFormat.Pax))
        {
            foreach (var directory in new[] { "bin", "data", "tmp", "etc", "proc", "sys", "dev" })
            {
                await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.Directory, directory + "/")
                {
                    Mode = directory is "tmp" or "data" ? (UnixFileMode)0b1_111_111_111 : (UnixFileMode)0b111_101_101,
                }, cancellationToken);
            }
            await AddExecutableAsync(tar, "bin/busybox", Busybox!, cancellationToken);
            foreach (var applet in s_applets)
            {
                await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.SymbolicLink, "bin/" + applet) { LinkName = "busybox" }, cancellationToken);
            }
            await AddExecutableAsync(tar, "go-sales-api", goSampleBinary, cancellationToken);
        }
        await podman.RunCheckedAsync(
            ["import", "--change", """ENTRYPOINT ["/go-sales-api"]""", "--change", "ENV PATH=/bin", archive, Tag],
            TimeSpan.FromSeconds(120), cancellationToken);
        File.Delete(archive);
    }

    private static async Task AddExecutableAsync(TarWriter tar, string name, string source, CancellationToken cancellationToken)
    {
        // The file's content, not a link to it, whatever the host's layout.
        await using var content = File.OpenRead(source);
        await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, name)
        {
            Mode = (UnixFileMode)0b111_101_101,
            DataStream = content,
        }, cancellationToken);
    }
}

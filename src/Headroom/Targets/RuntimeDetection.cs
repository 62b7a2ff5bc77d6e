using System.Text;
using Headroom.Specs;

namespace Headroom.Targets;

/// <summary>A runtime told from what the target's processes map (null: none of the known ones) and the file that told it.</summary>
public sealed record DetectedRuntime(TargetRuntime? Runtime, string Evidence)
{
    public string Describe() => Runtime is { } runtime ? $"{runtime.ToName()} (detected: {Evidence})" : $"none detected ({Evidence})";
}

/// <summary>
/// Tells the target's runtime from the files its processes map: <c>libjvm.so</c> → jvm, <c>libcoreclr.so</c> →
/// dotnet, a <c>node</c> executable or <c>libnode.so</c> → node, Go's build info in an executable → go.
/// </summary>
public static class RuntimeDetection
{
    // What `go version FILE` looks for: the header of the .go.buildinfo section every Go 1.13+ binary carries.
    private static readonly byte[] s_goBuildInfo = [0xff, .. Encoding.ASCII.GetBytes(" Go buildinf:")];

    public static DetectedRuntime Detect(IReadOnlyCollection<string> executables, IReadOnlyCollection<string> mapped)
    {
        if (mapped.FirstOrDefault(f => Path.GetFileName(f) == "libjvm.so") is { } jvm)
        {
            return new DetectedRuntime(TargetRuntime.Jvm, $"maps {jvm}");
        }
        if (mapped.FirstOrDefault(f => Path.GetFileName(f) == "libcoreclr.so") is { } coreclr)
        {
            return new DetectedRuntime(TargetRuntime.Dotnet, $"maps {coreclr}");
        }
        if (executables.FirstOrDefault(e => Path.GetFileName(e) is "node" or "nodejs") is { } node)
        {
            return new DetectedRuntime(TargetRuntime.Node, $"runs {node}");
        }
        if (mapped.FirstOrDefault(f => Path.GetFileName(f).StartsWith("libnode.so", StringComparison.Ordinal)) is { } libnode)
        {
            return new DetectedRuntime(TargetRuntime.Node, $"maps {libnode}");
        }
        if (executables.FirstOrDefault(HasGoBuildInfo) is { } go)
        {
            return new DetectedRuntime(TargetRuntime.Go, $"Go build info in {go}");
        }
        var names = string.Join(", ", executables.Select(Path.GetFileName).Distinct().Take(3));
        return new DetectedRuntime(null, executables.Count == 0 ? "no process was seen" : $"{names} maps no JVM, .NET or Node runtime and has no Go build info");
    }

    /// <summary>True when the file holds Go's build info header (read in 1 MiB pieces that overlap by the header's length).</summary>
    public static bool HasGoBuildInfo(string executable)
    {
        try
        {
            using var stream = File.OpenRead(executable);
            var buffer = new byte[1 << 20];
            var kept = 0;
            int read;
            while ((read = stream.Read(buffer, kept, buffer.Length - kept)) > 0)
            {
                var filled = kept + read;
                if (buffer.AsSpan(0, filled).IndexOf(s_goBuildInfo) >= 0)
                {
                    return true;
                }
                kept = Math.Min(s_goBuildInfo.Length - 1, filled);
                buffer.AsSpan(filled - kept, kept).CopyTo(buffer);
            }
            return false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}

using Headroom.Specs;

namespace Headroom.Init;

/// <summary>
/// Guesses a running process's runtime from what it has mapped and what its executable is: libcoreclr (.NET),
/// libjvm (JVM), a <c>node</c> executable, a Go build-info header in the executable. Rough on purpose: it picks a
/// knob preset, which the user can change.
/// </summary>
public static class RuntimeDetector
{

    public static TargetRuntime? Detect(IReadOnlyList<int> processTree)
    {
        foreach (var pid in processTree)
        {
            var maps = Read($"/proc/{pid}/maps");
            if (maps.Contains("libcoreclr.so", StringComparison.Ordinal))
            {
                return TargetRuntime.Dotnet;
            }
            if (maps.Contains("libjvm.so", StringComparison.Ordinal))
            {
                return TargetRuntime.Jvm;
            }
            var exe = ExecutableOf(pid);
            if (exe is not null && Path.GetFileName(exe) is "node" or "nodejs")
            {
                return TargetRuntime.Node;
            }
            if (exe is not null && IsGoBinary(exe))
            {
                return TargetRuntime.Go;
            }
        }
        return null;
    }

    /// <summary>True when the file holds Go's build-info header (every Go binary since 1.13 has one).</summary>
    public static bool IsGoBinary(string path)
    {
        try
        {
            var bytes = File.ReadAllBytes(path);
            return bytes.AsSpan().IndexOf(" Go buildinf:"u8) >= 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static string? ExecutableOf(int pid)
    {
        try
        {
            return new FileInfo($"/proc/{pid}/exe").LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }
}

using System.Globalization;
using Headroom.Native;

namespace Headroom.Cli;

/// <summary>
/// Keeps an unexpected error's details for the bug report in a folder only this user can enter:
/// <c>$XDG_STATE_HOME/headroom</c> or <c>~/.local/state/headroom</c>, created 0700, each file created new (never
/// through a planted symlink or over another file). Where that cannot be had, the details go to stderr instead.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal static class CrashDetails
{
    /// <summary>Writes the details and returns where they are, or null when they were written to <paramref name="stderr"/>.</summary>
    public static string? Keep(Exception error, TextWriter stderr)
    {
        try
        {
            var folder = Folder();
            if (folder is not null)
            {
                var path = Path.Combine(folder, string.Create(CultureInfo.InvariantCulture,
                    $"error-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Environment.ProcessId}.txt"));
                using var file = new FileStream(path, new FileStreamOptions
                {
                    Mode = FileMode.CreateNew,
                    Access = FileAccess.Write,
                    UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
                });
                using var writer = new StreamWriter(file);
                writer.Write(error.ToString());
                return path;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        stderr.WriteLine(error.ToString());
        return null;
    }

    /// <summary>The private folder, created if missing; null when the place is not private to this user.</summary>
    internal static string? Folder()
    {
        var state = Environment.GetEnvironmentVariable("XDG_STATE_HOME");
        if (string.IsNullOrEmpty(state) || !Path.IsPathRooted(state))
        {
            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            if (string.IsNullOrEmpty(home))
            {
                return null;
            }
            state = Path.Combine(home, ".local", "state");
        }
        var folder = Path.Combine(state, "headroom");
        Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return FileOwner.WhyNotPrivateFolder(folder) is null ? folder : null;
    }
}

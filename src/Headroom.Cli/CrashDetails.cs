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
    public static string? Keep(Exception error, TextWriter stderr) => Keep(error, stderr, PrivateState.Home());

    /// <summary>As <see cref="Keep(Exception, TextWriter)"/>, under <paramref name="stateHome"/> (null: stderr only).</summary>
    internal static string? Keep(Exception error, TextWriter stderr, string? stateHome)
    {
        try
        {
            var folder = stateHome is null ? null : PrivateState.Folder(stateHome);
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
}

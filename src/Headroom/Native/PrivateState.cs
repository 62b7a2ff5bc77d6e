namespace Headroom.Native;

/// <summary>
/// The tool's folder for state that outlives a run (crash details, where each run's trial cgroups live):
/// <c>$XDG_STATE_HOME/headroom</c> or <c>~/.local/state/headroom</c>, created 0700 and used only when it is a folder
/// of this user that nobody else can enter (not a symlink): nothing in it can be planted by another user.
/// </summary>
public static class PrivateState
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary><c>$XDG_STATE_HOME</c> when it is an absolute path, else <c>~/.local/state</c>; null without a home.</summary>
    public static string? Home()
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
        return state;
    }

    /// <summary>
    /// <c>headroom</c> (and <paramref name="sub"/> in it) under <paramref name="stateHome"/>, each created 0700 if
    /// missing; null when one of them is not private to this user.
    /// </summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public static string? Folder(string stateHome, string? sub = null)
    {
        var folder = Path.Combine(stateHome, "headroom");
        foreach (var level in sub is null ? [folder] : new[] { folder, Path.Combine(folder, sub) })
        {
            Directory.CreateDirectory(level, Private);
            if (FileOwner.WhyNotPrivateFolder(level) is not null)
            {
                return null;
            }
        }
        return sub is null ? folder : Path.Combine(folder, sub);
    }
}

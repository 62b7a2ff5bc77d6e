namespace Headroom.Processes;

/// <summary>
/// How to start one child process: an executable and its arguments as a list (never a shell string), with the
/// working directory, environment changes, and how long and how gently to stop it.
/// </summary>
public sealed record ProcessSpec(string FileName, IReadOnlyList<string> Arguments)
{
    /// <summary>The working directory; null keeps the caller's.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Variables to set in the child's environment on top of the caller's; a null value removes one.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    /// <summary>How long <see cref="ProcessRunner.RunAsync"/> lets the process run before stopping it. Default 5 minutes.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a stopped process gets between the stop signal and the kill of its whole tree. Default 5 s.</summary>
    public TimeSpan GracePeriod { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The signal that asks the process to stop: SIGTERM (as a kubelet sends) by default, or SIGINT.</summary>
    public StopSignal StopSignal { get; init; } = StopSignal.Terminate;

    /// <summary>How many characters of each output stream are kept; beyond it the oldest lines are dropped. Default 1 M.</summary>
    public int MaxCapturedChars { get; init; } = 1_000_000;

    /// <summary>Called with every line either stream writes (e.g. to wait for a ready line); may be called concurrently.</summary>
    public Action<string>? OnOutputLine { get; init; }

    /// <summary>The command as a person would type it, for messages.</summary>
    public string Display => string.Join(' ', new[] { FileName }.Concat(Arguments).Select(Quote));

    private static string Quote(string s) =>
        s.Length > 0 && s.All(c => char.IsLetterOrDigit(c) || "-_./=:@,+%".Contains(c, StringComparison.Ordinal)) ? s : $"'{s.Replace("'", "'\\''", StringComparison.Ordinal)}'";
}

/// <summary>The signal sent to ask a child process to stop before it is killed.</summary>
public enum StopSignal
{
    /// <summary>SIGTERM.</summary>
    Terminate = 15,

    /// <summary>SIGINT, as Ctrl+C sends.</summary>
    Interrupt = 2,

    /// <summary>SIGHUP, as a dropped SSH session sends to its processes.</summary>
    Hangup = 1,
}

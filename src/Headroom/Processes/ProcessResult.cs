namespace Headroom.Processes;

/// <summary>How a child process ended and what it wrote.</summary>
/// <param name="ExitCode">The exit code; 128 + n when a signal n ended it (137 = SIGKILL), as a shell reports it.</param>
/// <param name="StandardOutput">What it wrote to stdout (the last <see cref="ProcessSpec.MaxCapturedChars"/> characters).</param>
/// <param name="StandardError">What it wrote to stderr (likewise bounded).</param>
/// <param name="Duration">From start to exit.</param>
/// <param name="TimedOut">True when it was stopped because it ran past <see cref="ProcessSpec.Timeout"/>.</param>
/// <param name="Killed">True when it did not stop within the grace period and its process tree was killed.</param>
public sealed record ProcessResult(
    int ExitCode,
    string StandardOutput,
    string StandardError,
    TimeSpan Duration,
    bool TimedOut,
    bool Killed)
{
    /// <summary>Exit code 0 and not timed out.</summary>
    public bool Succeeded => ExitCode == 0 && !TimedOut;
}

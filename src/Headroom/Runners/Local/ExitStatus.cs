namespace Headroom.Runners.Local;

/// <summary>How a process ended, as a kubelet reports it: the exit code, 128 + the signal when a signal ended it.</summary>
public sealed record ExitStatus(int ExitCode, DateTimeOffset At)
{
    public int? Signal => ExitCode > 128 && ExitCode < 160 ? ExitCode - 128 : null;

    /// <summary><c>exit 137 (SIGKILL)</c>.</summary>
    public string Describe() => Signal is { } s ? $"exit {ExitCode} ({SignalName(s)})" : $"exit {ExitCode}";

    public static string SignalName(int signal) => signal switch
    {
        6 => "SIGABRT",
        9 => "SIGKILL",
        11 => "SIGSEGV",
        15 => "SIGTERM",
        2 => "SIGINT",
        7 => "SIGBUS",
        _ => $"signal {signal}",
    };
}

namespace Headroom.Processes;

/// <summary>The executable could not be started (not installed, not on PATH, not executable).</summary>
public sealed class ProcessStartException : Exception
{
    public ProcessStartException(string fileName, Exception inner)
        : base($"could not start '{fileName}': {inner.Message}", inner) => FileName = fileName;

    public ProcessStartException() { FileName = ""; }
    public ProcessStartException(string message) : base(message) { FileName = ""; }

    /// <summary>The executable that was asked for.</summary>
    public string FileName { get; }
}

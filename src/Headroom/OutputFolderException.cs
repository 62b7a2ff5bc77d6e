namespace Headroom;

/// <summary>
/// An output folder cannot be written (no permission, a full disk, an I/O error). The CLI prints the message as one
/// line and exits with code 1: the message names the folder and the reason, and what was already written is kept.
/// </summary>
public sealed class OutputFolderException : IOException
{
    public OutputFolderException(string message) : base(message) { }
    public OutputFolderException(string message, Exception inner) : base(message, inner) { }
    public OutputFolderException() { }

    /// <summary>Runs <paramref name="write"/>, turning an I/O or permission error into one line about <paramref name="path"/>.</summary>
    public static T Guard<T>(string path, string what, Func<T> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        try
        {
            return write();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException && e is not OutputFolderException)
        {
            throw new OutputFolderException($"cannot {what} {path}: {Reason(e)}", e);
        }
    }

    /// <inheritdoc cref="Guard{T}(string, string, Func{T})"/>
    public static void Guard(string path, string what, Action write)
    {
        ArgumentNullException.ThrowIfNull(write);
        Guard(path, what, () =>
        {
            write();
            return 0;
        });
    }

    /// <summary>The reason alone (.NET's messages repeat the path, sometimes over several lines).</summary>
    public static string Reason(Exception e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var message = e.Message.ReplaceLineEndings(" ").Trim();
        return e switch
        {
            UnauthorizedAccessException => "permission denied",
            IOException when e.HResult == DiskFull || message.Contains("No space left", StringComparison.OrdinalIgnoreCase) => "no space left on device",
            IOException when message.Contains("Read-only file system", StringComparison.OrdinalIgnoreCase) => "read-only file system",
            _ => message,
        };
    }

    // ENOSPC as .NET reports it on Unix (HResult carries the errno for I/O errors it maps).
    private const int DiskFull = 28;
}

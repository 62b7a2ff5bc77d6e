namespace Headroom;

/// <summary>
/// Input the user can fix (a bad flag, a missing file, an unreachable URL). The CLI prints the message as one line
/// and exits with code 2; the message says what was wrong and what to do.
/// </summary>
public sealed class UserInputException : Exception
{
    public UserInputException(string message) : base(message) { }
    public UserInputException(string message, Exception inner) : base(message, inner) { }
    public UserInputException() { }
}

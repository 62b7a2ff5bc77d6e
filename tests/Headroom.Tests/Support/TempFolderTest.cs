namespace Headroom.Tests.Support;

/// <summary>A test class whose every test gets a temp folder of its own (<see cref="TempRoot"/>), deleted after it.</summary>
public abstract class TempFolderTest(string prefix) : IDisposable
{
    protected string TempRoot { get; } = Directory.CreateTempSubdirectory(prefix).FullName;

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Directory.Delete(TempRoot, recursive: true);
        }
    }
}

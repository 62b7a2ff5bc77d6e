using Headroom.Native;

namespace Headroom.Runners.Local;

/// <summary>
/// How much of a file is in the page cache, by <c>mincore</c> over a read-only mapping of it (the mapping itself
/// reads nothing, so asking does not change the answer).
/// </summary>
public static class PageResidency
{
    private static readonly long s_pageSize = Environment.SystemPageSize;

    /// <summary>Bytes of the file now cached; 0 for an empty file or one that cannot be mapped.</summary>
    public static long ResidentBytes(string file)
    {
        try
        {
            using var handle = File.OpenHandle(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var length = RandomAccess.GetLength(handle);
            if (length == 0)
            {
                return 0;
            }
            var address = LibC.Mmap(IntPtr.Zero, (nuint)length, LibC.ProtRead, LibC.MapShared, (int)handle.DangerousGetHandle(), 0);
            if (address == LibC.MapFailed)
            {
                return 0;
            }
            try
            {
                var pages = new byte[(length + s_pageSize - 1) / s_pageSize];
                if (LibC.Mincore(address, (nuint)length, pages) != 0)
                {
                    return 0;
                }
                long resident = pages.Count(p => (p & 1) != 0);
                return Math.Min(length, resident * s_pageSize);
            }
            finally
            {
                _ = LibC.Munmap(address, (nuint)length);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }
}

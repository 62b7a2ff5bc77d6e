namespace Headroom.Cgroups;

/// <summary>
/// A memory cgroup directory: set its limit, read what the kernel charged and decided, end its processes, remove it.
/// <see cref="CgroupV1MemoryCgroup"/> and <see cref="CgroupV2MemoryCgroup"/> differ only in file names and formats.
/// </summary>
public abstract class MemoryCgroup : CgroupDirectory
{
    protected MemoryCgroup(string directory)
        : base(directory)
    {
    }

    public abstract CgroupVersion Version { get; }

    /// <summary>Sets the memory limit and forbids swap, so the limit means what it means under a kubelet.</summary>
    public abstract void SetLimit(long bytes);

    /// <summary>The limit in force (long.MaxValue when unlimited).</summary>
    public abstract long ReadLimit();

    public abstract CgroupMemoryReading Read();
}

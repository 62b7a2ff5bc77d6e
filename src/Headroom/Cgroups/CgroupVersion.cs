namespace Headroom.Cgroups;

/// <summary>Which cgroup hierarchy the memory controller lives in.</summary>
public enum CgroupVersion
{
    V1 = 1,
    V2 = 2,
}

using System.Globalization;

namespace Headroom.Cgroups;

/// <summary>
/// A CPU limit in CPUs (0.25 = Kubernetes' <c>250m</c>), written as the kernel's CFS bandwidth: quota = CPUs x period,
/// the same arithmetic a kubelet does for <c>limits.cpu</c>.
/// </summary>
public static class CpuQuota
{
    /// <summary>The CFS period a kubelet uses (100 ms).</summary>
    public const long DefaultPeriodMicroseconds = 100_000;

    /// <summary>The kernel refuses a quota below 1 ms.</summary>
    public const long MinQuotaMicroseconds = 1_000;

    /// <summary>The value itself when it is a usable CPU limit.</summary>
    /// <exception cref="UserInputException">It is not above 0, or it is below the kernel's 1 ms per 100 ms.</exception>
    public static double Validate(double cpus, string flag)
    {
        if (!(cpus > 0) || double.IsInfinity(cpus))
        {
            throw new UserInputException(string.Create(CultureInfo.InvariantCulture, $"{flag} {cpus} must be above 0, e.g. {flag} 0.25 for 250m"));
        }
        if (QuotaMicroseconds(cpus, DefaultPeriodMicroseconds) < MinQuotaMicroseconds)
        {
            throw new UserInputException(string.Create(CultureInfo.InvariantCulture, $"{flag} {cpus} is below the kernel's least quota (0.01 CPU); use 0.01 or more"));
        }
        return cpus;
    }

    public static long QuotaMicroseconds(double cpus, long periodMicroseconds) => (long)Math.Round(cpus * periodMicroseconds);

    /// <summary>As Kubernetes writes a CPU quantity: <c>250m</c>, <c>1</c>, <c>1500m</c>.</summary>
    public static string ToKubernetes(double cpus)
    {
        var millis = (long)Math.Round(cpus * 1000);
        return millis % 1000 == 0
            ? (millis / 1000).ToString(CultureInfo.InvariantCulture)
            : millis.ToString(CultureInfo.InvariantCulture) + "m";
    }
}

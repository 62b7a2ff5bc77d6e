namespace Headroom.Experiments;

/// <summary>Order statistics the experiments report (medians rather than means: the machine is noisy).</summary>
public static class Medians
{
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            throw new ArgumentException("the median of nothing is undefined", nameof(values));
        }
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    public static double? MedianOrNull(IEnumerable<double> values)
    {
        var list = values.ToList();
        return list.Count == 0 ? null : Median(list);
    }

    public static TimeSpan? MedianOrNull(IEnumerable<TimeSpan> values)
    {
        var median = MedianOrNull(values.Select(v => (double)v.Ticks));
        return median is { } ticks ? TimeSpan.FromTicks((long)Math.Round(ticks)) : null;
    }
}

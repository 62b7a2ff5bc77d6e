using System.Globalization;
using System.Text;
using Headroom.Trials;

namespace Headroom.Cli.Commands;

/// <summary>
/// Prints one trial as the article shows it: the runtime's memory before and after the load (Listings 3 and 5)
/// beside what the kernel charged, the load's report (Listing 4), and a <c>kubectl describe</c>-like block (Listing 8).
/// </summary>
internal static class RunReport
{
    public static string Render(TrialResult result, string folder)
    {
        var text = new StringBuilder();
        var d = result.Details;
        Line(text, $"Target:   {d.Target}");
        Line(text, $"Runner:   {d.Runner}");
        Line(text, $"Start:    {d.Eviction}");
        Line(text, $"Knobs:    {result.Request.Knobs.Describe()}{(d.KnobEnvironment.Count > 0 ? " -> " + string.Join(" ", d.KnobEnvironment.Select(kv => $"{kv.Key}={kv.Value}")) : "")}");
        Line(text, "");
        Line(text, "Memory                          before load    after load");
        Row(text, "runtime Sys", d.RuntimeBefore?.SysBytes, d.RuntimeAfter?.SysBytes);
        Row(text, "runtime HeapAlloc", d.RuntimeBefore?.HeapAllocBytes, d.RuntimeAfter?.HeapAllocBytes);
        Row(text, "runtime HeapSys", d.RuntimeBefore?.HeapSysBytes, d.RuntimeAfter?.HeapSysBytes);
        Count(text, "runtime GC count", d.RuntimeBefore?.GcCount, d.RuntimeAfter?.GcCount);
        Limit(text, "runtime memlimit", d.RuntimeBefore?.MemoryLimitBytes, d.RuntimeAfter?.MemoryLimitBytes);
        Row(text, ".NET gc-heap-size", d.CountersBefore?.HeapAllocBytes, d.CountersAfter?.HeapAllocBytes);
        Row(text, ".NET gc-committed", d.CountersBefore?.HeapSysBytes, d.CountersAfter?.HeapSysBytes);
        Row(text, ".NET working-set", d.CountersBefore?.ResidentBytes, d.CountersAfter?.ResidentBytes);
        Count(text, ".NET GC count", d.CountersBefore?.GcCount, d.CountersAfter?.GcCount);
        Row(text, "kernel charged (usage)", d.KernelBefore?.UsageBytes, d.KernelAfter?.UsageBytes);
        Row(text, "kernel anon", d.KernelBefore?.AnonBytes, d.KernelAfter?.AnonBytes);
        Row(text, "kernel file (page cache)", d.KernelBefore?.FileBytes, d.KernelAfter?.FileBytes);
        Row(text, "process VmRSS", d.KernelBefore?.VmRssBytes, d.KernelAfter?.VmRssBytes);
        Line(text, string.Create(CultureInfo.InvariantCulture,
            $"Peak charged {Mib(result.Memory.PeakChargedBytes)} (anon {Mib(result.Memory.PeakAnonBytes)}, file {Mib(result.Memory.PeakFileBytes)}); major faults {result.Memory.MajorFaults?.ToString("N0", CultureInfo.InvariantCulture) ?? "-"}; {d.Samples.Count} samples"));
        foreach (var source in d.MemorySources)
        {
            Line(text, string.Create(CultureInfo.InvariantCulture,
                $"  peak from {source.Source}: {Mib(source.PeakBytes)} ({source.Readings} readings){(source.Note is null ? "" : $"; {source.Note}")}"));
        }
        if (d.LoadReport is { } report)
        {
            Line(text, "");
            Line(text, "Load");
            text.Append(report);
            if (!report.EndsWith('\n'))
            {
                text.Append('\n');
            }
            if (d.LoadPath is { } path)
            {
                Line(text, string.Create(CultureInfo.InvariantCulture,
                    $"Load went {path}: {result.Load?.RequestsPerSecond ?? 0:#,0.#} req/s achieved; traffic inside the cluster can come faster and make the service allocate more."));
            }
        }
        else
        {
            var completed = d.Samples.LastOrDefault(s => s.CompletedRequests is not null)?.CompletedRequests;
            Line(text, "");
            Line(text, completed is { } n
                ? string.Create(CultureInfo.InvariantCulture, $"Load:     cut short after {n:N0} completed requests ({result.Outcome.ToKebab()})")
                : "Load:     none");
        }
        Line(text, "");
        Describe(text, result);
        Line(text, "");
        Line(text, $"Outcome:  {result.Outcome.ToKebab()} ({result.Evidence})");
        Line(text, $"Saved:    {Path.Combine(folder, TrialFiles.ResultFile)}, {Path.Combine(folder, TrialFiles.SamplesFile)}");
        return text.ToString();
    }

    /// <summary>As <c>kubectl describe pod</c> shows the container.</summary>
    private static void Describe(StringBuilder text, TrialResult result)
    {
        var d = result.Details;
        if (d.Terminated is { } t)
        {
            Line(text, "State:          Terminated");
            Line(text, $"  Reason:       {t.Reason}");
            Line(text, $"  Exit Code:    {t.ExitCode}");
        }
        else
        {
            Line(text, "State:          Running (stopped by headroom after the trial)");
        }
        if (d.LastState is { } last)
        {
            Line(text, "Last State:     Terminated");
            Line(text, $"  Reason:       {last.Reason}");
            Line(text, $"  Exit Code:    {last.ExitCode}");
        }
        Line(text, $"Restart Count:  {result.RestartCount}");
        Line(text, "Limits:");
        if (d.Cpus is { } cpus)
        {
            Line(text, $"  cpu:          {Cgroups.CpuQuota.ToKubernetes(cpus)}");
        }
        Line(text, $"  memory:       {result.Request.Limit?.ToKubernetes() ?? "none"}");
        if (d.Events.Count > 0)
        {
            Line(text, "Events:");
            foreach (var e in d.Events)
            {
                Line(text, $"  {e}");
            }
        }
    }

    private static void Row(StringBuilder text, string name, long? before, long? after)
    {
        if (before is null && after is null)
        {
            return;
        }
        Line(text, $"  {name,-28}{Mib(before),12}  {Mib(after),12}");
    }

    private static void Limit(StringBuilder text, string name, long? before, long? after)
    {
        if (before is null && after is null)
        {
            return;
        }
        static string Text(long? bytes) => bytes == long.MaxValue ? "none" : Mib(bytes);
        Line(text, $"  {name,-28}{Text(before),12}  {Text(after),12}");
    }

    private static void Count(StringBuilder text, string name, long? before, long? after)
    {
        if (before is null && after is null)
        {
            return;
        }
        Line(text, string.Create(CultureInfo.InvariantCulture, $"  {name,-28}{before?.ToString(CultureInfo.InvariantCulture) ?? "-",12}  {after?.ToString(CultureInfo.InvariantCulture) ?? "-",12}"));
    }

    public static string Mib(long? bytes) => bytes is { } b ? string.Create(CultureInfo.InvariantCulture, $"{b / 1048576.0:0.0} MiB") : "-";

    private static void Line(StringBuilder text, string line) => text.Append(line).Append('\n');
}

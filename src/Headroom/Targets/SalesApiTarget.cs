using Headroom.Cgroups;
using System.Globalization;
using Headroom.Runners;
using Headroom.Runners.Local;

namespace Headroom.Targets;

/// <summary>
/// A bundled sales-api sample (C# or Go) as a trial target: built when needed, started on free ports
/// (<c>SALES_API_PORT</c>, <c>SALES_DEBUG_PORT</c>) with a fresh data folder (<c>SALES_DATA_DIR</c>) for every trial,
/// ready at <c>/v1/readiness</c>, its runtime figures at <c>/debug/vars</c> on the debug port.
/// </summary>
public sealed class SalesApiTarget(ISampleBuild build, IProgress<string>? progress = null) : ITargetDefinition
{
    private IReadOnlyList<string>? _command;

    public string Describe() => _command is null
        ? $"bundled sample {build.Name}"
        : $"bundled sample {build.Name} ({string.Join(' ', _command.Select(Relative))})";

    private static string Relative(string part) =>
        Path.IsPathFullyQualified(part) ? Path.GetRelativePath(Environment.CurrentDirectory, part) : part;

    public async Task<TargetLaunch> PrepareAsync(CancellationToken cancellationToken)
    {
        var command = await build.EnsureCommandAsync(progress, cancellationToken);
        _command = command;
        var apiPort = PortCheck.FreePort();
        var debugPort = PortCheck.FreePort();
        while (debugPort == apiPort)
        {
            debugPort = PortCheck.FreePort();
        }
        // Named by this process's pid, so that the next run's stale sweep removes it (and the key in it) if this
        // process is SIGKILLed before its cleanup.
        var data = Directory.CreateTempSubdirectory(string.Create(CultureInfo.InvariantCulture, $"{TrialCgroups.DataFolderPrefix(Environment.ProcessId)}{build.Name}-")).FullName;
        return new TargetLaunch(command)
        {
            WorkingDirectory = Path.GetDirectoryName(command[^1]),
            Environment = new Dictionary<string, string>
            {
                ["SALES_API_PORT"] = apiPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["SALES_DEBUG_PORT"] = debugPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["SALES_DATA_DIR"] = data,
            },
            ReadyUrl = new Uri($"http://127.0.0.1:{apiPort}/v1/readiness"),
            StatsUrl = new Uri($"http://127.0.0.1:{debugPort}/debug/vars"),
            ScratchDirectory = data,
        };
    }
}

using Headroom.Runners;
using Headroom.Runners.Local;

namespace Headroom.Targets;

/// <summary>
/// The bundled sample service as a trial target: published when needed, started as <c>dotnet SalesApi.dll</c> on
/// free ports with a fresh data folder for every trial, ready at <c>/v1/readiness</c>, its runtime figures at
/// <c>/debug/vars</c> on the debug port.
/// </summary>
public sealed class SalesApiTarget(SalesApiBuild build, IProgress<string>? progress = null) : ITargetDefinition
{
    public string Describe() => $"bundled sample sales-api (dotnet {Path.GetRelativePath(Environment.CurrentDirectory, build.DllPath)})";

    public async Task<TargetLaunch> PrepareAsync(CancellationToken cancellationToken)
    {
        var dll = await build.EnsureBuiltAsync(progress, cancellationToken);
        var apiPort = PortCheck.FreePort();
        var debugPort = PortCheck.FreePort();
        while (debugPort == apiPort)
        {
            debugPort = PortCheck.FreePort();
        }
        var data = Directory.CreateTempSubdirectory("headroom-sales-api-").FullName;
        return new TargetLaunch(["dotnet", dll])
        {
            WorkingDirectory = Path.GetDirectoryName(dll),
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

using System.Globalization;
using System.Text;
using Headroom.Specs;

namespace Headroom.Init;

/// <summary>
/// Writes the commented <c>headroom.yaml</c> <c>headroom init</c> leaves for a service: its command, ports, readiness
/// and stats URLs and runtime as seen, and the load as a line marked for the user to make real (until then it loads
/// the readiness URL, so the file runs as it is).
/// </summary>
public static class InitSpecWriter
{
    public const string LoadMarker = "# <- CHANGE ME";

    public static string Write(IReadOnlyList<string> command, ServiceFacts facts)
    {
        var text = new StringBuilder();
        void Line(string line) => text.Append(line).Append('\n');
        var name = Path.GetFileNameWithoutExtension(command.Count > 1 && Path.GetFileName(command[0]) is "dotnet" or "java" or "node" or "python3" ? command[^1] : command[0]);
        Line("# headroom.yaml written by `headroom init`: what it saw of the service started once, without a limit.");
        Line("# Run it as it is:  headroom study -f headroom.yaml    (or edge / matrix / check -f headroom.yaml)");
        Line("# Every key and its default: docs/commands.md.");
        Line($"name: {Scalar(string.IsNullOrWhiteSpace(name) ? "service" : name)}");
        Line("target:");
        Line($"  command: {Scalar(command[0])}");
        if (command.Count > 1)
        {
            Line($"  args: [{string.Join(", ", command.Skip(1).Select(Scalar))}]");
        }
        Line($"  ports: [{string.Join(", ", facts.Ports.Select(p => p.ToString(CultureInfo.InvariantCulture)))}]   # it listened on these; trials run one at a time, so fixed ports are fine");
        var ready = facts.ReadyUrl ?? new Uri($"http://127.0.0.1:{facts.Ports[0]}/");
        Line(facts.ReadyUrl is null
            ? $"  # ready: none of {string.Join(", ", ServiceProbe.ReadyPaths)} answered 2xx on port {facts.Ports[0]}; give the URL that does"
            : $"  ready: {Scalar(ready.ToString())}   # answered 2xx: a trial's load starts once it does");
        Line(facts.StatsUrl is null
            ? "  # stats: no /debug/vars (expvar) or /metrics (Prometheus) answered; the runtime's own figures will be missing"
            : $"  stats: {Scalar(facts.StatsUrl.ToString())}   # the runtime's figures beside the kernel's");
        Line("# The load: hey's flags and the URL. This one only calls the readiness URL, so it measures nothing real:");
        Line("# put the requests your service serves in production here (e.g. -c 10 -n 1000 http://127.0.0.1:3000/api/orders).");
        Line($"load: {Scalar($"-c 10 -n 1000 {ready}")}   {LoadMarker}");
        Line(facts.Runtime is { } runtime
            ? $"runtime: {runtime.ToName()}   # detected; picks the knob set ({KnobHint(runtime)}) and the runtime limit recommend writes"
            : "# runtime: go | dotnet | jvm | node   (not detected: without it the study has no knob set to try)");
        return text.ToString();
    }

    private static string KnobHint(TargetRuntime runtime) => runtime switch
    {
        TargetRuntime.Go => "GOMEMLIMIT, GOGC=off",
        TargetRuntime.Dotnet => "DOTNET_GCHeapHardLimit",
        TargetRuntime.Jvm => "JAVA_TOOL_OPTIONS=-XX:MaxRAMPercentage",
        _ => "NODE_OPTIONS=--max-old-space-size",
    };

    // Double-quoted YAML scalar: safe for paths, URLs with '?' and '&', and flags.
    private static string Scalar(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}

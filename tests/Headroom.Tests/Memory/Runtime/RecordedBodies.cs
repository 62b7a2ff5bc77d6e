namespace Headroom.Tests.Memory.Runtime;

/// <summary>Bodies recorded from real endpoints (Go's expvar, client_golang, prometheus-net), shipped beside the tests.</summary>
internal static class RecordedBodies
{
    public static string Read(string name) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Memory", "Runtime", "Bodies", name));
}

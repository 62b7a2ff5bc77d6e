using System.Text.Json;
using Prometheus;

namespace SalesApi.Debug;

/// <summary>The debug server's two endpoints: <c>/debug/vars</c> (expvar JSON) and <c>/metrics</c> (Prometheus text).</summary>
public static class DebugEndpoints
{
    public static async Task VarsAsync(HttpContext context, ServiceCounters counters)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        await using var json = new Utf8JsonWriter(context.Response.Body, new JsonWriterOptions { Indented = true });
        ExpvarWriter.Write(json, counters);
        await json.FlushAsync(context.RequestAborted);
    }

    public static async Task MetricsAsync(HttpContext context)
    {
        context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
        await Metrics.DefaultRegistry.CollectAndExportAsTextAsync(context.Response.Body, context.RequestAborted);
    }
}

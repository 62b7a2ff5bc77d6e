using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Headroom.Memory.Runtime;

namespace Headroom.Cli.Commands;

/// <summary>
/// <c>headroom vars [url]</c>: the article's <c>curl localhost:4000/debug/vars</c> and its "Memory Amounts" block, from
/// an expvar or a Prometheus endpoint, with every other memory figure found.
/// </summary>
internal static class VarsCommand
{
    public const string DefaultUrl = "http://localhost:4000/debug/vars";
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        // Printed for people and scripts, not embedded in HTML: keep label quotes as quotes.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static Command Create()
    {
        var url = new Argument<string>("url")
        {
            Description = "a /debug/vars (Go expvar JSON) or /metrics (Prometheus text) endpoint",
            DefaultValueFactory = _ => DefaultUrl,
        };
        var json = new Option<bool>("--json") { Description = "print the figures as JSON" };
        var timeout = new Option<int>("--timeout")
        {
            Description = "seconds to wait for the endpoint",
            DefaultValueFactory = _ => 10,
        };
        var command = new Command("vars", "Show a service's own memory figures (HeapAlloc, HeapSys, Sys, goroutines, and the rest) from its expvar or Prometheus endpoint.")
        {
            url, json, timeout,
        };
        command.SetAction(async (parse, ct) =>
        {
            var target = ParseUrl(parse.GetRequiredValue(url));
            var seconds = parse.GetValue(timeout);
            if (seconds <= 0)
            {
                throw new UserInputException($"--timeout must be a positive number of seconds, not {seconds}");
            }
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(seconds) };
            var snapshot = await RuntimeStatsReader.ReadAsync(http, target, ct);
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(VarsJson.From(target, snapshot), JsonOptions));
            }
            else
            {
                await output.WriteAsync(VarsText.Render(target, snapshot));
            }
            return 0;
        });
        return command;
    }

    private static Uri ParseUrl(string text)
    {
        // "localhost:4000/debug/vars", as typed after curl, is accepted too.
        var withScheme = text.Contains("://", StringComparison.Ordinal) ? text : "http://" + text;
        if (!Uri.TryCreate(withScheme, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new UserInputException($"'{text}' is not an http(s) URL; give one like {DefaultUrl}");
        }
        return uri;
    }

    private sealed record VarsJson(
        string Url, string Format, long? Goroutines, long? Sys, long? HeapAlloc, long? HeapSys, long? HeapInuse, long? NumGC,
        long? PauseTotalNs, IReadOnlyDictionary<string, double> Other)
    {
        public static VarsJson From(Uri url, RuntimeMemorySnapshot s) =>
            new(url.ToString(), s.Format, s.Goroutines, s.Sys, s.HeapAlloc, s.HeapSys, s.HeapInuse, s.NumGC, s.PauseTotalNs,
                new SortedDictionary<string, double>(s.Other.ToDictionary(), StringComparer.Ordinal));
    }
}

/// <summary>The text form: the article's block first, then the other figures, one a line (plain text, pipes cleanly).</summary>
internal static class VarsText
{
    private const double Mebibyte = 1024 * 1024;

    public static string Render(Uri url, RuntimeMemorySnapshot snapshot)
    {
        var text = new System.Text.StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{url} ({snapshot.Format})");
        text.AppendLine();
        text.AppendLine("Memory Amounts:");
        AppendMiB(text, "HeapAlloc", snapshot.HeapAlloc);
        AppendMiB(text, "HeapSys", snapshot.HeapSys);
        AppendMiB(text, "Sys", snapshot.Sys);
        text.AppendLine(CultureInfo.InvariantCulture, $"{"Goroutines:",-11}{Show(snapshot.Goroutines),4}");

        var others = new List<(string Name, double Value)>();
        Add(others, "HeapInuse", snapshot.HeapInuse);
        Add(others, "NumGC", snapshot.NumGC);
        Add(others, "PauseTotalNs", snapshot.PauseTotalNs);
        others.AddRange(snapshot.Other.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => (o.Key, o.Value)));
        if (others.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("Other figures:");
            var width = others.Max(o => o.Name.Length) + 2;
            foreach (var (name, value) in others)
            {
                var number = value.ToString(Math.Abs(value % 1) > 0 ? "0.###" : "0", CultureInfo.InvariantCulture);
                var mib = LooksLikeBytes(name) ? $"  ({value / Mebibyte:0.0} MiB)" : "";
                text.AppendLine(CultureInfo.InvariantCulture, $"{name.PadRight(width)}{number,16}{mib}");
            }
        }
        return text.ToString();
    }

    private static void AppendMiB(System.Text.StringBuilder text, string name, long? bytes)
    {
        var label = name + ":";
        text.AppendLine(bytes is { } b
            ? string.Create(CultureInfo.InvariantCulture, $"{label,-11}{Math.Round(b / Mebibyte),4:0} MiB  ({b} bytes)")
            : $"{label,-11}   - (not reported)");
    }

    private static string Show(long? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "-";

    private static void Add(List<(string, double)> into, string name, long? value)
    {
        if (value is { } v)
        {
            into.Add((name, v));
        }
    }

    /// <summary>Byte figures get a MiB column; counts, seconds and percentages do not.</summary>
    private static bool LooksLikeBytes(string name)
    {
        var bare = name.Split('{')[0];
        if (bare.Contains("bytes", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        if (bare.StartsWith("memstats.", StringComparison.Ordinal) || bare is "HeapInuse")
        {
            return bare.EndsWith("Sys", StringComparison.Ordinal) || bare.EndsWith("Alloc", StringComparison.Ordinal)
                || bare.EndsWith("Inuse", StringComparison.Ordinal) || bare.EndsWith("Idle", StringComparison.Ordinal)
                || bare.EndsWith("Released", StringComparison.Ordinal) || bare.EndsWith("NextGC", StringComparison.Ordinal);
        }
        return bare.StartsWith("system_runtime_dotnet_", StringComparison.Ordinal)
            && (bare.EndsWith("_size", StringComparison.Ordinal) || bare.EndsWith("_allocated", StringComparison.Ordinal) || bare.EndsWith("working_set", StringComparison.Ordinal));
    }
}

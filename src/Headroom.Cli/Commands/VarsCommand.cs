using System.CommandLine;
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
    private const int MaxTimeout = 3600;
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        // Printed for people and scripts, not embedded in HTML: keep label quotes as quotes.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        // Prometheus gauges may be NaN or +Inf (a process_* figure it could not read): written as "NaN", not a crash.
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
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
            Description = "seconds to wait for the endpoint's whole answer (headers and body; a body over 16 MiB is refused)",
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
            if (seconds > MaxTimeout)
            {
                throw new UserInputException($"--timeout must be at most {MaxTimeout} seconds, not {seconds}");
            }
            // The timeout covers the whole answer (headers and body), not only the headers.
            using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
            var snapshot = await RuntimeStatsReader.ReadAsync(http, target, TimeSpan.FromSeconds(seconds), ct);
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

using System.CommandLine;
using Headroom.Load;
using Spectre.Console;

namespace Headroom.Cli.Commands;

/// <summary><c>headroom load</c>: hey's flags and report, from a generator that costs less CPU than hey or wrk.</summary>
internal static class LoadCommand
{
    public static Command Create()
    {
        var command = new Command("load",
            "Send HTTP load to a URL and print hey's report (hey's flags and layout). Plain http on Linux runs on " +
            "Headroom's own epoll loops (one thread per core, as wrk) with the request serialised once; https and other " +
            "systems use async .NET sockets (slower; TLS through SslStream). All -n requests are " +
            "sent (hey drops n mod c). Latencies live in an HdrHistogram, so there is no cap on the number of requests.");
        Option[] options =
        [
            Flag("-n", $"Number of requests to run (default {LoadOptions.DefaultRequests})."),
            Flag("-c", $"Number of workers (connections) to run concurrently (default {LoadOptions.DefaultConcurrency}); at most -n."),
            Flag("-q", "Rate limit per worker in requests per second, as hey (latency measured from the actual send). Default none."),
            Flag("-z", "Duration to send requests for, e.g. 10s, 3m (overrides -n)."),
            Flag("--rate", "Total fixed arrival rate in requests per second (open model); latencies are measured from each " +
                           "request's due time, correcting coordinated omission (as wrk2 and oha).", "-rate"),
            Flag("--warmup", "Requests sent first and not counted (default 0).", "-warmup"),
            Flag("-m", "HTTP method (default GET)."),
            Flag("-H", "Request header \"Name: value\"; repeat for more.", many: true),
            Flag("-d", "Request body."),
            Flag("-D", "Request body from a file."),
            Flag("-T", "Content type of the body (default text/html when there is a body)."),
            Flag("-A", "Accept header."),
            Flag("-a", "Basic authentication, username:password."),
            Flag("--host", "Host header.", "-host"),
            Flag("-t", "Timeout for each request (connect, write, whole response), seconds or a duration; 0 = none (default 20)."),
            Flag("-o", "Output type: csv (hey's columns, one row per request)."),
            Flag("--expect", "HTTP statuses that count as a success, e.g. 200,404 or 2xx (default 2xx,3xx). When no request " +
                             "succeeds the command exits 1 (hey exits 0).", "-expect"),
            Flag("--cpus", "Accepted for hey compatibility and ignored.", "-cpus"),
            Switch("--disable-keepalive", "Open a new connection for every request.", "-disable-keepalive"),
            Switch("--disable-compression", "Do not send Accept-Encoding: gzip.", "-disable-compression"),
            Switch("--disable-redirects", "Do not follow redirects (by default same-origin redirects are followed).", "-disable-redirects"),
            Switch("--json", "Print every figure of the report as JSON.", "-json"),
        ];
        foreach (var option in options)
        {
            command.Options.Add(option);
        }
        command.Arguments.Add(new Argument<string>("url") { Description = "The URL to load (http:// or https://)." });
        command.SetAction(RunAsync);
        return command;
    }

    /// <summary>
    /// A flag that takes a value. Values stay strings here: <see cref="HeyArguments"/> checks them and says what is
    /// wrong in one line.
    /// </summary>
    private static Option Flag(string name, string description, string? alias = null, bool many = false)
    {
        string[] aliases = alias is null ? [] : [alias];
        return many
            ? new Option<string[]>(name, aliases) { Description = description }
            : new Option<string>(name, aliases) { Description = description };
    }

    private static Option<bool> Switch(string name, string description, string alias) =>
        new(name, alias) { Description = description };

    private static async Task<int> RunAsync(ParseResult parsed, CancellationToken ct)
    {
        // hey's flags are parsed in one place, the library, so that `headroom run --load "<hey args>"` means the same.
        var args = parsed.Tokens.Skip(1).Select(t => t.Value).ToList();
        var options = HeyArguments.Parse(args);
        var output = parsed.InvocationConfiguration.Output;
        var report = Console.IsOutputRedirected || output != Console.Out
            ? await LoadGenerator.RunAsync(options, null, ct)
            : await RunWithProgressBarAsync(options, ct);
        switch (options.Output)
        {
            case LoadOutputFormat.Json:
                await output.WriteLineAsync(LoadReportJson.Serialize(report));
                break;
            case LoadOutputFormat.Csv:
                await LoadCsvWriter.WriteAsync(report, output, ct);
                break;
            default:
                await output.WriteAsync(HeyReportFormatter.Format(report));
                break;
        }
        if (report.Succeeded == 0 && report.Requests > 0)
        {
            // Unlike hey, a load of which nothing succeeded is a failed command: a script must not read its req/s.
            await parsed.InvocationConfiguration.Error.WriteLineAsync(
                $"headroom: no request to {report.Url} succeeded ({LoadFailure.Summarize(report.Failures)} of {report.Requests.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)}; expected {report.Expected})");
            return NothingSucceeded;
        }
        return 0;
    }

    /// <summary>The exit code when no request succeeded.</summary>
    public const int NothingSucceeded = 1;

    private static async Task<LoadReport> RunWithProgressBarAsync(LoadOptions options, CancellationToken ct) =>
        await AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask($"{options.Method} {options.Url}", maxValue: 1.0);
                var report = await LoadGenerator.RunAsync(options, new ProgressBar(task), ct);
                task.Value = 1.0;
                return report;
            });

    /// <summary>Moves the bar; Spectre's task is safe to update from the generator's threads.</summary>
    private sealed class ProgressBar(ProgressTask task) : IProgress<LoadProgress>
    {
        public void Report(LoadProgress value)
        {
            task.Value = value.Fraction;
            task.Description = value.Errors > 0 ? $"{value.Completed} requests, {value.Errors} errors" : $"{value.Completed} requests";
        }
    }
}

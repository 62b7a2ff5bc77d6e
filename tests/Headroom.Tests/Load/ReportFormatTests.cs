using System.Diagnostics;
using System.Text.RegularExpressions;
using Headroom.Cli;
using Headroom.Load;
using Microsoft.AspNetCore.Http;

namespace Headroom.Tests.Load;

public sealed partial class ReportFormatTests
{
    private static LoadReport SampleReport(IReadOnlyList<ErrorCount> errors) => new()
    {
        Url = "http://127.0.0.1:3000/v1/users",
        Method = "GET",
        Concurrency = 10,
        TotalSeconds = 0.5123,
        Requests = 1000 + errors.Sum(e => e.Count),
        Responses = 1000,
        ErrorCount = errors.Sum(e => e.Count),
        SlowestSeconds = 0.0424,
        FastestSeconds = 0.0001,
        AverageSeconds = 0.0051,
        RequestsPerSecond = 1951.9813,
        TotalDataBytes = 479000,
        SizePerRequestBytes = 479,
        Percentiles = [new(10, 0.0011), new(25, 0.0023), new(50, 0.0041), new(75, 0.0065), new(90, 0.0093), new(95, 0.0121), new(99, 0.0254), new(99.9, 0.0411)],
        Histogram = [new(0.0001, 1), new(0.00433, 620), new(0.00856, 250), new(0.01279, 70), new(0.01702, 30), new(0.02125, 15),
                     new(0.02548, 8), new(0.02971, 3), new(0.03394, 1), new(0.03817, 0), new(0.0424, 2)],
        Details = new LoadPhaseDetails(new(0.0002, 0, 0.0031), new(0, 0, 0), new(0.0000, 0, 0.0004), new(0.0048, 0.0001, 0.0420), new(0.0001, 0, 0.0012)),
        StatusCodes = [new(200, 900), new(404, 100)],
        Errors = errors,
        LatencyHistogram = "",
    };

    private static string Golden(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Load", "golden", name));

    [Fact]
    public void Format_Report_MatchesHeysLayoutGolden() =>
        Assert.Equal(Golden("hey-report.txt"), HeyReportFormatter.Format(SampleReport([])));

    [Fact]
    public void Format_ReportWithErrors_MatchesHeysLayoutGolden() =>
        Assert.Equal(Golden("hey-report-errors.txt"),
            HeyReportFormatter.Format(SampleReport([new(LoadErrorKind.Refused, 12, LoadErrorKinds.Describe(LoadErrorKind.Refused)),
                new(LoadErrorKind.Timeout, 3, LoadErrorKinds.Describe(LoadErrorKind.Timeout))])));

    /// <summary>
    /// Against the real hey: both reports of the same target, numbers and bars masked, are the same lines apart from
    /// the 99.9 % line Headroom adds.
    /// </summary>
    [Fact]
    public async Task Format_RealRun_HasTheSameLinesAsRealHey()
    {
        if (!File.Exists("/usr/bin/hey"))
        {
            Assert.Skip("hey is not installed (apt-get install hey)");
        }
        // With a Content-Length: hey counts data only from that header (chunked bodies count as none), Headroom counts bytes.
        await using var target = await KestrelTarget.StartAsync(c =>
        {
            c.Response.ContentLength = 5;
            return c.Response.WriteAsync("hello");
        }, TestContext.Current.CancellationToken);
        var hey = Process.Start(new ProcessStartInfo("hey", ["-n", "200", "-c", "4", target.Url.ToString()]) { RedirectStandardOutput = true })!;
        var heyText = await hey.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await hey.WaitForExitAsync(TestContext.Current.CancellationToken);

        var report = await LoadGenerator.RunAsync(new LoadOptions { Url = target.Url, Requests = 200, Concurrency = 4 }, null,
            TestContext.Current.CancellationToken);
        var ours = HeyReportFormatter.Format(report).Split('\n').Where(l => !l.StartsWith("  99.9%", StringComparison.Ordinal));

        Assert.Equal(Mask(heyText.Split('\n')), Mask(ours));
    }

    private static List<string> Mask(IEnumerable<string> lines) =>
        [.. lines.Select(l => Numbers().Replace(l.Replace("■", "", StringComparison.Ordinal), "N"))];

    [GeneratedRegex(@"\d+(\.\d+)?")]
    private static partial Regex Numbers();

    [Fact]
    public async Task Json_RoundTrips_EveryFigure()
    {
        await using var target = await KestrelTarget.StartAsync(c => c.Response.WriteAsync("hello"), TestContext.Current.CancellationToken);
        var report = await LoadGenerator.RunAsync(new LoadOptions { Url = target.Url, Requests = 300, Concurrency = 3 }, null,
            TestContext.Current.CancellationToken);

        var json = LoadReportJson.Serialize(report);
        var back = LoadReportJson.Deserialize(json);

        Assert.Equal(json, LoadReportJson.Serialize(back));
        Assert.Equal(report.RequestsPerSecond, back.RequestsPerSecond);
        Assert.Equal(report.Percentiles, back.Percentiles);
        Assert.Equal(report.StatusCodes, back.StatusCodes);
        Assert.Equal(report.Histogram, back.Histogram);
        Assert.Equal(report.Details, back.Details);
        Assert.Equal(300, back.DecodeLatencyHistogram().TotalCount);
        Assert.Equal(HeyReportFormatter.Format(report), HeyReportFormatter.Format(back));
    }

    [Fact]
    public async Task Cli_OutputCsv_HasHeysColumnsAndOneRowPerRequest()
    {
        await using var target = await KestrelTarget.StartAsync(c => c.Response.WriteAsync("hello"), TestContext.Current.CancellationToken);
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var exit = await HeadroomApp.RunAsync(["load", "-n", "50", "-c", "5", "-o", "csv", target.Url.ToString()], stdout, stderr);

        Assert.Equal(0, exit);
        var lines = stdout.ToString().TrimEnd('\n').Split('\n');
        Assert.Equal("response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset", lines[0]);
        Assert.Equal(51, lines.Length);
        Assert.All(lines.Skip(1), row =>
        {
            var cells = row.Split(',');
            Assert.Equal(8, cells.Length);
            Assert.Equal("200", cells[6]);
            Assert.Matches(@"^\d+\.\d{4}$", cells[0]);
        });
    }

    [Fact]
    public async Task Cli_Json_PrintsAReportThatParses()
    {
        await using var target = await KestrelTarget.StartAsync(c => c.Response.WriteAsync("hello"), TestContext.Current.CancellationToken);
        var stdout = new StringWriter();

        var exit = await HeadroomApp.RunAsync(["load", "-n", "40", "-c", "4", "--json", target.Url.ToString()], stdout, new StringWriter());

        Assert.Equal(0, exit);
        var report = LoadReportJson.Deserialize(stdout.ToString());
        Assert.Equal(40, report.CountOf(200));
    }
}

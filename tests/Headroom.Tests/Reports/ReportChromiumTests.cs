using Headroom.Reports.Html;
using SkiaSharp;

namespace Headroom.Tests.Reports;

/// <summary>
/// Opens a report built from the recorded study in real headless Chromium (Debian's <c>chromium</c>): the page loads
/// without console errors and the screenshot shows the charts (many distinct colours, not a blank page).
/// </summary>
public sealed class ReportChromiumTests
{
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task RecordedStudyReport_RendersInHeadlessChromium_WithChartsAndNoErrors()
    {
        RequiredTool.SkipUnlessPresent(Chromium, "apt-get install chromium");
        var cancellationToken = TestContext.Current.CancellationToken;
        var work = Directory.CreateTempSubdirectory("headroom-chromium-").FullName;
        try
        {
            var folder = RecordedStudy.CopyTo(Path.Combine(work, "study"));
            var (study, samples) = await RecordedStudy.LoadAsync(cancellationToken);
            var report = await HtmlReportWriter.WriteAsync(folder, StudyReportBuilder.Build(study, samples), cancellationToken);
            var screenshot = Path.Combine(work, "report.png");

            var shot = await RunChromiumAsync(work, ["--screenshot=" + screenshot, "--window-size=1280,2400", new Uri(report).AbsoluteUri], cancellationToken);
            var dom = await RunChromiumAsync(work, ["--dump-dom", new Uri(report).AbsoluteUri], cancellationToken);

            Assert.True(File.Exists(screenshot), $"no screenshot; chromium said:\n{shot.StandardError}");
            foreach (var run in new[] { shot, dom })
            {
                Assert.DoesNotContain("Uncaught", run.StandardError, StringComparison.Ordinal);
                Assert.DoesNotMatch(@"CONSOLE\(\d+\)|:CONSOLE", run.StandardError);
            }
            var figures = (await File.ReadAllTextAsync(report, cancellationToken)).Split("<figure>").Length - 1;
            Assert.True(figures >= 8, $"the report has only {figures} figures");
            Assert.Equal(figures, dom.StandardOutput.Split("<figure>").Length - 1);
            Assert.Contains("Survival and healthy edges", dom.StandardOutput, StringComparison.Ordinal);

            using var bitmap = SKBitmap.Decode(screenshot);
            Assert.Equal(1280, bitmap.Width);
            var colours = new HashSet<uint>();
            for (var y = 0; y < bitmap.Height; y += 2)
            {
                for (var x = 0; x < bitmap.Width; x += 2)
                {
                    colours.Add((uint)bitmap.GetPixel(x, y));
                }
            }
            // A blank page has one colour, a page of text a few dozen; charts bring their series colours and anti-aliasing.
            Assert.True(colours.Count > 500, $"the screenshot has only {colours.Count} distinct colours");
            Assert.Contains(colours, c => IsNear(c, 0xFF1F77B4) || IsNear(c, 0xFFD62728));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static bool IsNear(uint argb, uint target) =>
        Enumerable.Range(0, 3).All(i => Math.Abs((int)((argb >> (8 * i)) & 0xFF) - (int)((target >> (8 * i)) & 0xFF)) <= 8);

    /// <summary>One headless Chromium run with a fresh profile, bounded to 60 s; anything of it still running after is killed.</summary>
    private static async Task<ProcessResult> RunChromiumAsync(string work, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var profile = Directory.CreateTempSubdirectory("headroom-chromium-profile-").FullName;
        try
        {
            string[] common =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--hide-scrollbars", "--enable-logging=stderr", "--v=0",
                "--user-data-dir=" + profile,
            ];
            var result = await ProcessRunner.RunAsync(new ProcessSpec(Chromium, [.. common, .. arguments])
            {
                WorkingDirectory = work,
                Timeout = TimeSpan.FromSeconds(60),
                GracePeriod = TimeSpan.FromSeconds(3),
            }, cancellationToken);
            Assert.False(result.TimedOut, $"chromium ran past 60 s:\n{result.StandardError}");
            return result;
        }
        finally
        {
            KillLeftovers(profile);
            Directory.Delete(profile, recursive: true);
        }
    }

    /// <summary>Chromium's helpers (zygote, GPU, renderer) carry the profile folder on their command line: any left
    /// after the browser exited are ours, found by that unique folder and killed by id.</summary>
    private static void KillLeftovers(string profile)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "cmdline")).Contains(profile, StringComparison.Ordinal))
                {
                    using var process = System.Diagnostics.Process.GetProcessById(pid);
                    process.Kill(entireProcessTree: true);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
            {
                // Gone already.
            }
        }
    }
}

using System.Globalization;
using System.Xml.Linq;

namespace Headroom.Checks;

/// <summary>
/// The gate's result as JUnit XML (the form CI systems show as test results): one test suite, one test case per
/// check case, a <c>failure</c> element with the reason when it failed, every trial's outcome in <c>system-out</c>.
/// </summary>
public static class CheckJUnit
{
    public static XDocument Build(CheckResult result, DateTimeOffset timestamp)
    {
        var cases = result.Cases.Select(c =>
        {
            var element = new XElement("testcase",
                new XAttribute("classname", "headroom.check"),
                new XAttribute("name", c.Case.Name),
                new XAttribute("time", Seconds(c.Trials.Sum(t => t.WallTime.TotalSeconds))));
            if (c.Failure is { } failure)
            {
                element.Add(new XElement("failure", new XAttribute("message", failure), new XAttribute("type", "memory"), failure));
            }
            element.Add(new XElement("system-out", string.Join('\n', c.Trials.Select(CheckText.TrialLine))));
            return element;
        }).ToList();
        var suite = new XElement("testsuite",
            new XAttribute("name", "headroom check"),
            new XAttribute("tests", cases.Count),
            new XAttribute("failures", result.Cases.Count(c => !c.Passed)),
            new XAttribute("errors", 0),
            new XAttribute("skipped", 0),
            new XAttribute("time", Seconds(result.Cases.Sum(c => c.Trials.Sum(t => t.WallTime.TotalSeconds)) + (result.Baseline?.WallTime.TotalSeconds ?? 0))),
            new XAttribute("timestamp", timestamp.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture)),
            cases);
        return new XDocument(new XDeclaration("1.0", "utf-8", null), new XElement("testsuites", suite));
    }

    public static async Task WriteAsync(string path, CheckResult result, DateTimeOffset timestamp, CancellationToken cancellationToken)
    {
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } folder)
        {
            Directory.CreateDirectory(folder);
        }
        await using var file = File.Create(path);
        await Build(result, timestamp).SaveAsync(file, SaveOptions.None, cancellationToken);
    }

    private static string Seconds(double seconds) => seconds.ToString("0.000", CultureInfo.InvariantCulture);
}

using System.Xml;
using System.Xml.Linq;
using Headroom.Reports.Charts;
using Headroom.Reports.Html;

namespace Headroom.Tests.Reports;

public sealed class HtmlReportTests
{
    private const string Hostile = "<script>alert('x')</script> & \"quoted\"";

    internal static XDocument ParseXhtml(string html)
    {
        using var reader = XmlReader.Create(new StringReader(html), new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore });
        return XDocument.Load(reader);
    }

    private static ReportDocument Document() => new(
        $"Study {Hostile}",
        [new ReportFact("target", Hostile)],
        [
            new ReportSection("one", "Heading <b>", [
                new ReportParagraph(Hostile),
                new ReportNote($"note {Hostile}"),
                new ReportTable("caption & more", ["limit", "req/s"], [["12Mi", "3000"], [Hostile, "1"]], new HashSet<int> { 1 }),
                new ReportPreformatted("YAML", "resources:\n  limits:\n    memory: 16Mi # <not a tag>"),
            ]),
            new ReportSection("two", "Charts", [
                new ReportFigure(EdgePathChart.Render(new EdgePathInput(Hostile, [new EdgePathTrial(1, MemoryQuantity.Parse("12Mi"), TrialOutcome.Survived, "start")], null, null, null), "c1"), $"caption {Hostile}"),
            ]),
        ]);

    [Fact]
    public void Render_HostileText_IsEscapedEverywhere()
    {
        var html = HtmlReport.Render(Document());

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<b>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quoted&quot;", html, StringComparison.Ordinal);
        Assert.Contains("# &lt;not a tag&gt;", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_IsWellFormedWithAccessibleFigures()
    {
        var page = ParseXhtml(HtmlReport.Render(Document()));

        var figures = page.Descendants("figure").ToList();
        var figure = Assert.Single(figures);
        Assert.StartsWith("caption <script>", figure.Element("figcaption")!.Value, StringComparison.Ordinal);
        var svg = figure.Elements().Single(e => e.Name.LocalName == "svg");
        Assert.Contains("<script>alert", svg.Elements().Single(e => e.Name.LocalName == "title").Value, StringComparison.Ordinal);
        Assert.Equal(["one", "two"], page.Descendants("section").Select(s => (string?)s.Attribute("id")));
        Assert.Equal(["#one", "#two"], page.Descendants("nav").Descendants("a").Select(a => (string?)a.Attribute("href")));
        var cells = page.Descendants("td").Where(td => (string?)td.Attribute("class") == "num").Select(td => td.Value).ToList();
        Assert.Equal(["3000", "1"], cells);
        Assert.Equal($"Study {Hostile}", page.Descendants("title").First().Value);
    }

    [Fact]
    public void Render_IsSelfContained()
    {
        var page = ParseXhtml(HtmlReport.Render(Document()));

        Assert.DoesNotContain(page.Descendants(), e => e.Name.LocalName is "script" or "link" or "img" or "iframe" or "object");
        var references = page.Descendants().Attributes().Where(a => a.Name.LocalName is "src" or "href").Select(a => a.Value).ToList();
        Assert.All(references, r => Assert.StartsWith("#", r, StringComparison.Ordinal));
        var style = page.Descendants("style").Single().Value;
        Assert.DoesNotContain("url(", style, StringComparison.Ordinal);
        Assert.DoesNotContain("@import", style, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteAsync_PutsReportHtmlInTheFolder()
    {
        var folder = Directory.CreateTempSubdirectory("headroom-report-").FullName;
        try
        {
            var path = await HtmlReportWriter.WriteAsync(folder, Document(), TestContext.Current.CancellationToken);

            Assert.Equal(Path.Combine(folder, "report.html"), path);
            Assert.Equal(HtmlReport.Render(Document()), await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken));
            Assert.Equal(["report.html"], Directory.GetFiles(folder).Select(Path.GetFileName));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

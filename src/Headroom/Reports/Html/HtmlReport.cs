using System.Globalization;
using System.Text;

namespace Headroom.Reports.Html;

/// <summary>
/// Renders a <see cref="ReportDocument"/> as one self-contained HTML page: inline CSS, charts as inline SVG, no
/// script, no external file, font or URL. All text is escaped; the only markup taken as it is is the charts' SVG,
/// which <see cref="Charts.SvgChartRenderer"/> produced as well-formed XML. The page is also well-formed XML
/// (void elements self-closed), so tests and tools can read it with an XML parser.
/// </summary>
public static class HtmlReport
{
    public static string Render(ReportDocument document)
    {
        var html = new StringBuilder(64 * 1024);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\" />\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\" />\n")
            .Append("<title>").Append(HtmlText.Escape(document.Title)).Append("</title>\n")
            .Append("<style>\n").Append(HtmlReportStyle.Css).Append("\n</style>\n</head>\n<body>\n<main>\n")
            .Append("<h1>").Append(HtmlText.Escape(document.Title)).Append("</h1>\n");
        if (document.Generated is { } generated)
        {
            html.Append("<p class=\"generated\">Written ")
                .Append(HtmlText.Escape(generated.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture)))
                .Append(" by headroom.</p>\n");
        }
        AppendFacts(html, document.Facts);
        AppendContents(html, document.Sections);
        foreach (var section in document.Sections)
        {
            html.Append("<section id=\"").Append(HtmlText.Slug(section.Id)).Append("\">\n<h2>")
                .Append(HtmlText.Escape(section.Heading)).Append("</h2>\n");
            foreach (var block in section.Blocks)
            {
                AppendBlock(html, block);
            }
            html.Append("</section>\n");
        }
        html.Append("</main>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static void AppendFacts(StringBuilder html, IReadOnlyList<ReportFact> facts) =>
        AppendAround(html, facts, 1, "<table class=\"facts\">\n<caption>The run</caption>\n<tbody>\n", "</tbody>\n</table>\n",
            fact => html.Append("<tr><th scope=\"row\">").Append(HtmlText.Escape(fact.Name)).Append("</th><td>")
                .Append(HtmlText.Escape(fact.Value)).Append("</td></tr>\n"));

    private static void AppendContents(StringBuilder html, IReadOnlyList<ReportSection> sections) =>
        AppendAround(html, sections, 2, "<nav aria-label=\"Contents\">\n<strong>Contents</strong>\n<ol>\n", "</ol>\n</nav>\n",
            section => html.Append("<li><a href=\"#").Append(HtmlText.Slug(section.Id)).Append("\">")
                .Append(HtmlText.Escape(section.Heading)).Append("</a></li>\n"));

    /// <summary>An element with one line per item, or nothing when there are fewer than <paramref name="least"/> items.</summary>
    private static void AppendAround<T>(StringBuilder html, IReadOnlyList<T> items, int least, string open, string close, Action<T> item)
    {
        if (items.Count < least)
        {
            return;
        }
        html.Append(open);
        foreach (var each in items)
        {
            item(each);
        }
        html.Append(close);
    }

    private static void AppendBlock(StringBuilder html, ReportBlock block)
    {
        switch (block)
        {
            case ReportParagraph paragraph:
                html.Append("<p>").Append(HtmlText.Escape(paragraph.Text)).Append("</p>\n");
                break;
            case ReportNote note:
                html.Append("<p class=\"note\">").Append(HtmlText.Escape(note.Text)).Append("</p>\n");
                break;
            case ReportPreformatted pre:
                html.Append("<p class=\"pre-label\">").Append(HtmlText.Escape(pre.Label)).Append("</p>\n<pre>")
                    .Append(HtmlText.Escape(pre.Text)).Append("</pre>\n");
                break;
            case ReportTable table:
                AppendTable(html, table);
                break;
            case ReportFigure figure:
                html.Append("<figure>\n").Append(figure.Chart.Svg).Append("\n<figcaption>")
                    .Append(HtmlText.Escape(figure.Caption)).Append("</figcaption>\n</figure>\n");
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(block), block.GetType().Name, "unknown report block");
        }
    }

    private static void AppendTable(StringBuilder html, ReportTable table)
    {
        var numeric = table.NumericColumns ?? new HashSet<int>();
        html.Append("<table>\n<caption>").Append(HtmlText.Escape(table.Caption)).Append("</caption>\n<thead><tr>");
        foreach (var heading in table.Header)
        {
            html.Append("<th scope=\"col\">").Append(HtmlText.Escape(heading)).Append("</th>");
        }
        html.Append("</tr></thead>\n<tbody>\n");
        foreach (var row in table.Rows)
        {
            html.Append("<tr>");
            for (var i = 0; i < row.Count; i++)
            {
                html.Append(numeric.Contains(i) ? "<td class=\"num\">" : "<td>").Append(HtmlText.Escape(row[i])).Append("</td>");
            }
            html.Append("</tr>\n");
        }
        html.Append("</tbody>\n</table>\n");
    }
}

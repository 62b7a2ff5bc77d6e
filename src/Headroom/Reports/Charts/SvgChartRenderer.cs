using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using ScottPlot;

namespace Headroom.Reports.Charts;

/// <summary>
/// Renders a ScottPlot plot to SVG and makes it fit to embed inline in HTML: ScottPlot's clip-path ids repeat in
/// every chart, so they get the chart's id as prefix; its glyph position lists end in a comma, which browsers reject;
/// and the root gets a viewBox (to scale with the page), <c>role="img"</c> and a title and description.
/// </summary>
public static partial class SvgChartRenderer
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";
    private static readonly XNamespace XLink = "http://www.w3.org/1999/xlink";

    public static SvgChart Render(Plot plot, string id, string title, string description, int width = ChartStyle.Width, int height = ChartStyle.Height)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        var document = XDocument.Parse(plot.GetSvgXml(width, height));
        var root = document.Root ?? throw new InvalidOperationException("ScottPlot returned an empty SVG");
        Prefix(root, id);
        foreach (var element in root.Descendants())
        {
            Tidy(element);
        }
        root.SetAttributeValue("viewBox", string.Create(CultureInfo.InvariantCulture, $"0 0 {width} {height}"));
        root.SetAttributeValue("role", "img");
        root.SetAttributeValue("aria-labelledby", $"{id}-title {id}-desc");
        root.SetAttributeValue("id", id);
        root.AddFirst(
            new XElement(Svg + "title", new XAttribute("id", $"{id}-title"), title),
            new XElement(Svg + "desc", new XAttribute("id", $"{id}-desc"), description));
        return new SvgChart(id, title, description, root.ToString(SaveOptions.DisableFormatting));
    }

    // Skia numbers clip paths with a process-wide counter; renumbering them per chart makes the same data give the
    // same bytes, and the chart's id as prefix keeps them unique on a page with many charts.
    private static void Prefix(XElement root, string id)
    {
        var renamed = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var element in root.DescendantsAndSelf())
        {
            if (element.Attribute("id") is { } own)
            {
                var fresh = string.Create(CultureInfo.InvariantCulture, $"{id}-{renamed.Count + 1}");
                renamed[own.Value] = fresh;
                own.Value = fresh;
            }
        }
        foreach (var attribute in root.DescendantsAndSelf().Attributes())
        {
            if (attribute.Value.Contains("url(#", StringComparison.Ordinal))
            {
                attribute.Value = References().Replace(attribute.Value, m => renamed.TryGetValue(m.Groups[1].Value, out var fresh) ? $"url(#{fresh})" : m.Value);
            }
            else if (attribute.Name == XLink + "href" && attribute.Value.StartsWith('#') && renamed.TryGetValue(attribute.Value[1..], out var target))
            {
                attribute.Value = "#" + target;
            }
        }
    }

    [GeneratedRegex(@"url\(#([^)]+)\)")]
    private static partial Regex References();

    private static void Tidy(XElement element)
    {
        if (element.Name.LocalName != "text")
        {
            return;
        }
        foreach (var name in new[] { "x", "y", "dx", "dy" })
        {
            if (element.Attribute(name) is { } list)
            {
                list.Value = string.Join(' ', list.Value.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries));
            }
        }
        if (element.Attribute("font-family") is { } family)
        {
            family.Value = $"{family.Value}, 'Liberation Sans', Arial, sans-serif";
        }
        if (!element.HasElements)
        {
            element.Value = Whitespace().Replace(element.Value.Trim(), " ");
        }
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}

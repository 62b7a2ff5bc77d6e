namespace Headroom.Reports.Charts;

/// <summary>
/// A chart rendered to an inline SVG element: no XML declaration, ids unique to the chart (so many charts can share
/// one HTML page), and a <c>&lt;title&gt;</c> and <c>&lt;desc&gt;</c> that screen readers announce (the alt text).
/// </summary>
public sealed record SvgChart(string Id, string Title, string Description, string Svg);

namespace Headroom.Reports.Html;

/// <summary>The report's inline stylesheet: readable on screen and in print, no web fonts, no external files.</summary>
internal static class HtmlReportStyle
{
    public const string Css = """
        :root { color-scheme: light; --ink: #1b1b1b; --muted: #555; --rule: #d0d7de; --band: #f6f8fa; --note: #fff8e1; --accent: #1f4e79; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 16px/1.5 "DejaVu Sans", "Liberation Sans", Arial, sans-serif; color: var(--ink); background: #fff; }
        main { max-width: 1040px; margin: 0 auto; padding: 24px 32px 64px; }
        h1 { font-size: 28px; margin: 8px 0 4px; color: var(--accent); }
        h2 { font-size: 22px; margin: 40px 0 12px; padding-bottom: 4px; border-bottom: 2px solid var(--rule); color: var(--accent); }
        .generated { color: var(--muted); margin: 0 0 16px; }
        nav ol { margin: 8px 0 0; padding-left: 22px; columns: 2; }
        nav a { color: var(--accent); }
        table { border-collapse: collapse; margin: 12px 0 20px; width: 100%; font-size: 14px; }
        caption { caption-side: top; text-align: left; font-weight: bold; padding: 4px 0; }
        th, td { border: 1px solid var(--rule); padding: 4px 8px; vertical-align: top; text-align: left; }
        th { background: var(--band); }
        td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        tbody tr:nth-child(even) { background: #fbfcfd; }
        table.facts { width: auto; }
        table.facts th { white-space: nowrap; }
        .note { background: var(--note); border-left: 4px solid #f0b400; padding: 8px 12px; margin: 12px 0; }
        pre { background: var(--band); border: 1px solid var(--rule); padding: 12px; overflow-x: auto; font: 14px/1.4 "DejaVu Sans Mono", "Liberation Mono", monospace; }
        .pre-label { font-weight: bold; margin: 12px 0 0; }
        figure { margin: 20px 0 28px; }
        figure svg { display: block; width: 100%; height: auto; border: 1px solid var(--rule); }
        figcaption { color: var(--muted); font-size: 14px; margin-top: 6px; }
        @media print { main { max-width: none; } figure { break-inside: avoid; } }
        """;
}

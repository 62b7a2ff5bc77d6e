using Headroom.Reports.Charts;

namespace Headroom.Reports.Html;

/// <summary>
/// A report as a document, before it is HTML: a title, the run's facts (target, load, cold/warm start, machine) and
/// sections of paragraphs, tables, preformatted text and charts. Everything in it is plain text; the renderer escapes it.
/// </summary>
public sealed record ReportDocument(string Title, IReadOnlyList<ReportFact> Facts, IReadOnlyList<ReportSection> Sections)
{
    /// <summary>When the report was written (shown under the title; null: not shown).</summary>
    public DateTimeOffset? Generated { get; init; }
}

/// <summary>One line of the facts table: <c>load</c> = <c>-c 10 -n 1000</c>.</summary>
public sealed record ReportFact(string Name, string Value);

/// <summary>A section with a heading; <paramref name="Id"/> is its anchor in the table of contents.</summary>
public sealed record ReportSection(string Id, string Heading, IReadOnlyList<ReportBlock> Blocks);

/// <summary>A piece of a section.</summary>
public abstract record ReportBlock;

public sealed record ReportParagraph(string Text) : ReportBlock;

/// <summary>A highlighted remark: a caveat, a phase that was skipped, an edge that was not found.</summary>
public sealed record ReportNote(string Text) : ReportBlock;

/// <summary>A table; columns listed in <paramref name="NumericColumns"/> are right-aligned.</summary>
public sealed record ReportTable(
    string Caption,
    IReadOnlyList<string> Header,
    IReadOnlyList<IReadOnlyList<string>> Rows,
    IReadOnlySet<int>? NumericColumns = null) : ReportBlock;

/// <summary>Text shown as it is (a YAML snippet, a load report), with a label above it.</summary>
public sealed record ReportPreformatted(string Label, string Text) : ReportBlock;

/// <summary>A chart and its caption.</summary>
public sealed record ReportFigure(SvgChart Chart, string Caption) : ReportBlock;

using Headroom.Trials;
using ScottPlot;

namespace Headroom.Reports.Charts;

/// <summary>
/// One look for every chart of a report: sans-serif fonts large enough to read at the page's width, and the same
/// colour for the same figure in every chart (kernel usage is always blue, the limit always black, an OOM kill always red).
/// </summary>
public static class ChartStyle
{
    public const string FontName = "DejaVu Sans";
    public const int Width = 960;
    public const int Height = 420;

    public static readonly Color KernelUsage = Color.FromHex("#1f77b4");
    public static readonly Color KernelPeak = Color.FromHex("#17456e");
    public static readonly Color Anon = Color.FromHex("#d62728");
    public static readonly Color File = Color.FromHex("#2ca02c");
    public static readonly Color RuntimeSys = Color.FromHex("#9467bd");
    public static readonly Color RuntimeHeapSys = Color.FromHex("#8c564b");
    public static readonly Color RuntimeHeapAlloc = Color.FromHex("#ff7f0e");
    public static readonly Color Limit = Color.FromHex("#000000");
    public static readonly Color Kill = Color.FromHex("#c00000");
    public static readonly Color LoadPhase = Color.FromHex("#000000").WithAlpha(0.06);
    public static readonly Color SurvivalEdge = Color.FromHex("#d62728");
    public static readonly Color HealthyEdge = Color.FromHex("#2ca02c");
    public static readonly Color Prediction = Color.FromHex("#7f7f7f");

    /// <summary>Series colours for knob sets, in order (none first).</summary>
    public static readonly Color[] Series =
    [
        Color.FromHex("#1f77b4"), Color.FromHex("#ff7f0e"), Color.FromHex("#9467bd"), Color.FromHex("#8c564b"), Color.FromHex("#17becf"),
    ];

    public static Color ForSeries(int index) => Series[index % Series.Length];

    /// <summary>How a trial's outcome is drawn wherever outcomes are marked.</summary>
    public static (MarkerShape Shape, Color Color) ForOutcome(TrialOutcome outcome) => outcome switch
    {
        TrialOutcome.Survived => (MarkerShape.FilledCircle, Color.FromHex("#2ca02c")),
        TrialOutcome.OomKilled => (MarkerShape.Eks, Color.FromHex("#c00000")),
        TrialOutcome.Thrashing => (MarkerShape.FilledTriangleDown, Color.FromHex("#ff7f0e")),
        TrialOutcome.RuntimeOom => (MarkerShape.FilledDiamond, Color.FromHex("#9467bd")),
        TrialOutcome.Crashed => (MarkerShape.FilledSquare, Color.FromHex("#595959")),
        TrialOutcome.Errors => (MarkerShape.OpenTriangleUp, Color.FromHex("#d62728")),
        TrialOutcome.Unresponsive => (MarkerShape.OpenTriangleDown, Color.FromHex("#8c564b")),
        _ => (MarkerShape.OpenSquare, Color.FromHex("#595959")),
    };

    /// <summary>A new plot with the report's fonts, title and axis labels.</summary>
    public static Plot NewPlot(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        plot.Font.Set(FontName);
        plot.Title(title, size: 20);
        plot.XLabel(xLabel, size: 16);
        plot.YLabel(yLabel, size: 16);
        plot.Axes.Bottom.TickLabelStyle.FontSize = 14;
        plot.Axes.Left.TickLabelStyle.FontSize = 14;
        plot.Legend.FontSize = 14;
        plot.Legend.FontName = FontName;
        return plot;
    }

    public static double Mebibytes(long bytes) => bytes / (double)(1024 * 1024);

    /// <summary>A limit as a label: its Kubernetes form when that is whole mebibytes or more (<c>13Mi</c>), else
    /// MiB with a decimal (a predicted <c>11.4 MiB</c> reads better than <c>11682Ki</c>).</summary>
    public static string LimitText(Limits.MemoryQuantity limit) =>
        limit.Bytes % Limits.MemoryQuantity.Mebibyte == 0 ? limit.ToKubernetes() : limit.ToMebibyteString();

    /// <summary>The legend goes right of the plot, where it covers no data.</summary>
    public static void ShowLegendOutside(Plot plot) => plot.ShowLegend(Edge.Right);
}

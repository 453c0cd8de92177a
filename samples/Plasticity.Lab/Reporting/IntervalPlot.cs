using ScottPlot;

namespace Plasticity.Lab.Reporting;

/// <summary>
/// Interval estimates drawn as rliable draws them, saved as PNG: one row per entry (say, a variant), and in each row one
/// horizontal bar per statistic (say, IQM and mean) spanning its confidence interval, with a black tick at the point
/// estimate. Overlapping bars of two rows are the picture of "these intervals do not tell the rows apart".
/// </summary>
public sealed class IntervalPlot
{
    private readonly List<string> rows = [];
    private readonly List<string> statistics = [];
    private readonly Dictionary<(string Row, string Statistic), (double Estimate, double Lower, double Upper)> values = [];

    /// <summary>Creates an empty chart.</summary>
    public IntervalPlot(string title, string xLabel)
    {
        Title = title;
        XLabel = xLabel;
    }

    /// <summary>Chart title.</summary>
    public string Title { get; }

    /// <summary>X axis label (the statistics' common scale).</summary>
    public string XLabel { get; }

    /// <summary>The rows, top to bottom, in the order first added.</summary>
    public IReadOnlyList<string> Rows => rows;

    /// <summary>The statistics (bar colours), in the order first added.</summary>
    public IReadOnlyList<string> Statistics => statistics;

    /// <summary>Adds the interval of <paramref name="statistic"/> in <paramref name="row"/>.</summary>
    /// <exception cref="ArgumentException">The same row and statistic were added before, a value is not finite, or the
    /// estimate lies outside [<paramref name="lower"/>, <paramref name="upper"/>].</exception>
    public IntervalPlot Add(string row, string statistic, double estimate, double lower, double upper)
    {
        ArgumentException.ThrowIfNullOrEmpty(row);
        ArgumentException.ThrowIfNullOrEmpty(statistic);
        if (!double.IsFinite(estimate) || !double.IsFinite(lower) || !double.IsFinite(upper))
            throw new ArgumentException($"The interval of '{statistic}' in '{row}' must be finite; got {estimate} [{lower}, {upper}].", nameof(estimate));
        if (lower > estimate || estimate > upper)
            throw new ArgumentException($"The estimate of '{statistic}' in '{row}' must lie in its interval; got {estimate} outside [{lower}, {upper}].", nameof(estimate));
        if (!values.TryAdd((row, statistic), (estimate, lower, upper)))
            throw new ArgumentException($"The interval of '{statistic}' in '{row}' was already added.", nameof(row));
        if (!rows.Contains(row)) rows.Add(row);
        if (!statistics.Contains(statistic)) statistics.Add(statistic);
        return this;
    }

    /// <summary>Renders the chart to a PNG file; the default height grows with the number of rows.</summary>
    public void SavePng(string path, int width = 900, int? height = null)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        // Row r sits at y = -r (the first row on top); its bars share 60% of a unit, one band per statistic.
        double band = 0.6 / Math.Max(1, statistics.Count);
        for (int s = 0; s < statistics.Count; s++)
        {
            var color = palette.GetColor(s);
            for (int r = 0; r < rows.Count; r++)
            {
                if (!values.TryGetValue((rows[r], statistics[s]), out var v)) continue;
                double y = -r - (s - (statistics.Count - 1) / 2.0) * band; // the first statistic on top
                var bar = plot.Add.Rectangle(v.Lower, v.Upper, y - 0.4 * band, y + 0.4 * band);
                bar.FillColor = color.WithAlpha(0.55);
                bar.LineColor = color;
                var tick = plot.Add.Line(v.Estimate, y - 0.45 * band, v.Estimate, y + 0.45 * band);
                tick.LineColor = Colors.Black;
                tick.LineWidth = 2;
            }
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = statistics[s], FillColor = color.WithAlpha(0.55) });
        }
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, rows.Count).Select(r => (double)-r).ToArray(), rows.ToArray());
        plot.Axes.Left.MajorTickStyle.Length = 0;
        plot.Axes.SetLimitsY(-rows.Count + 0.5, 0.5);
        plot.Title(Title);
        plot.XLabel(XLabel);
        plot.ShowLegend(Alignment.LowerRight);
        plot.SavePng(path, width, height ?? 140 + 70 * rows.Count);
    }
}

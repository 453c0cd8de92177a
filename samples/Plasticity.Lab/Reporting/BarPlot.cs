using ScottPlot;

namespace Plasticity.Lab.Reporting;

/// <summary>
/// A grouped bar chart with error bars, saved as PNG: one group of bars per category on the x axis (say, an
/// intervention) and one coloured bar per series inside each group (say, architecture x head), each bar the mean
/// with a ± std error bar.
/// </summary>
public sealed class BarPlot
{
    private readonly List<string> groups = [];
    private readonly List<string> series = [];
    private readonly Dictionary<(string Group, string Series), (double Mean, double Std)> values = [];

    /// <summary>Creates an empty chart.</summary>
    public BarPlot(string title, string yLabel)
    {
        Title = title;
        YLabel = yLabel;
    }

    /// <summary>Chart title.</summary>
    public string Title { get; }

    /// <summary>Y axis label.</summary>
    public string YLabel { get; }

    /// <summary>The groups on the x axis, in the order first added.</summary>
    public IReadOnlyList<string> Groups => groups;

    /// <summary>The series (bar colours), in the order first added.</summary>
    public IReadOnlyList<string> Series => series;

    /// <summary>Adds the bar of <paramref name="seriesName"/> in <paramref name="group"/>; a non-finite mean leaves a gap, a non-finite std no error bar.</summary>
    /// <exception cref="ArgumentException">The same group and series were added before.</exception>
    public BarPlot Add(string group, string seriesName, double mean, double std)
    {
        ArgumentException.ThrowIfNullOrEmpty(group);
        ArgumentException.ThrowIfNullOrEmpty(seriesName);
        if (!values.TryAdd((group, seriesName), (mean, std)))
            throw new ArgumentException($"The bar of series '{seriesName}' in group '{group}' was already added.", nameof(group));
        if (!groups.Contains(group)) groups.Add(group);
        if (!series.Contains(seriesName)) series.Add(seriesName);
        return this;
    }

    /// <summary>Renders the chart to a PNG file; the default width grows with the number of groups.</summary>
    public void SavePng(string path, int? width = null, int height = 560)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        // The bars of one group share 80% of a unit on the x axis, so neighbouring groups stay apart.
        double slot = 0.8 / Math.Max(1, series.Count);
        var bars = new List<Bar>();
        for (int s = 0; s < series.Count; s++)
        {
            var color = palette.GetColor(s);
            for (int g = 0; g < groups.Count; g++)
            {
                if (!values.TryGetValue((groups[g], series[s]), out var v) || !double.IsFinite(v.Mean)) continue;
                bars.Add(new Bar
                {
                    Position = g + (s - (series.Count - 1) / 2.0) * slot,
                    Value = v.Mean,
                    Error = double.IsFinite(v.Std) ? v.Std : 0,
                    Size = slot * 0.9,
                    FillColor = color,
                });
            }
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = series[s], FillColor = color });
        }
        if (bars.Count > 0) plot.Add.Bars(bars);
        var zero = plot.Add.HorizontalLine(0);
        zero.Color = Colors.Black.WithAlpha(0.5);
        zero.LineWidth = 1;

        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, groups.Count).Select(g => (double)g).ToArray(), groups.ToArray());
        plot.Axes.Bottom.TickLabelStyle.Rotation = 35;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
        // Rotated labels need room below the axis: about 6 px per character of the longest label.
        plot.Axes.Bottom.MinimumSize = 30 + 6 * groups.Select(g => g.Length).DefaultIfEmpty(0).Max();
        // Room on the right: one empty slot for the legend, and a margin for the last rotated label.
        plot.Axes.SetLimitsX(-0.6, groups.Count + 1.0);
        plot.Axes.Right.MinimumSize = 5 * groups.Select(g => g.Length).DefaultIfEmpty(0).Max();
        plot.Title(Title);
        plot.YLabel(YLabel);
        plot.ShowLegend(Alignment.UpperRight);
        plot.SavePng(path, width ?? Math.Max(700, 110 * (groups.Count + 2)), height);
    }
}

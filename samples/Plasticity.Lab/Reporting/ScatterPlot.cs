using ScottPlot;

namespace Plasticity.Lab.Reporting;

/// <summary>
/// A scatter chart with one coloured point cloud per group and, optionally, each group's least-squares line drawn
/// over the group's own x range; saved as PNG.
/// </summary>
public sealed class ScatterPlot
{
    private readonly List<(string Name, double[] X, double[] Y, (double Slope, double Intercept)? Line)> groups = [];

    /// <summary>Creates an empty chart.</summary>
    public ScatterPlot(string title, string xLabel, string yLabel)
    {
        Title = title;
        XLabel = xLabel;
        YLabel = yLabel;
    }

    /// <summary>Chart title.</summary>
    public string Title { get; }

    /// <summary>X axis label.</summary>
    public string XLabel { get; }

    /// <summary>Y axis label.</summary>
    public string YLabel { get; }

    /// <summary>
    /// Adds a group; pairs with a non-finite value are dropped. The group keeps its colour by position, so add the same
    /// groups in the same order to every chart (an empty group still takes its colour).
    /// </summary>
    public ScatterPlot Add(string name, IReadOnlyList<double> x, IReadOnlyList<double> y, double slope = double.NaN, double intercept = double.NaN)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count != y.Count) throw new ArgumentException($"Group '{name}' has {x.Count} x values but {y.Count} y values.");
        var keep = Enumerable.Range(0, x.Count).Where(i => double.IsFinite(x[i]) && double.IsFinite(y[i])).ToArray();
        (double, double)? line = double.IsFinite(slope) && double.IsFinite(intercept) ? (slope, intercept) : null;
        groups.Add((name, keep.Select(i => x[i]).ToArray(), keep.Select(i => y[i]).ToArray(), line));
        return this;
    }

    /// <summary>Renders the chart to a PNG file.</summary>
    public void SavePng(string path, int width = 900, int height = 600)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        for (int i = 0; i < groups.Count; i++)
        {
            var (name, x, y, line) = groups[i];
            if (x.Length == 0) continue;
            var color = palette.GetColor(i);
            var points = plot.Add.Scatter(x, y);
            points.Color = color;
            points.LineWidth = 0;
            points.MarkerSize = 8;
            points.LegendText = name;
            if (line is { } l && x.Length > 1)
            {
                double lo = x.Min(), hi = x.Max();
                var fit = plot.Add.Scatter(new[] { lo, hi }, new[] { l.Intercept + l.Slope * lo, l.Intercept + l.Slope * hi });
                fit.Color = color.WithAlpha(0.7);
                fit.LineWidth = 1.5f;
                fit.MarkerSize = 0;
            }
        }
        plot.Title(Title);
        plot.XLabel(XLabel);
        plot.YLabel(YLabel);
        plot.ShowLegend(Alignment.UpperRight);
        plot.SavePng(path, width, height);
    }
}

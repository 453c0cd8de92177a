using ScottPlot;

namespace Plasticity.Lab.Reporting;

/// <summary>A line chart with one line per series and a shaded band (mean ± std over seeds), saved as PNG.</summary>
public sealed class BandPlot
{
    private readonly List<(string Name, double[] X, double[] Mean, double[] Std)> series = [];
    private readonly List<(double X, string Label)> markers = [];

    /// <summary>Creates an empty chart.</summary>
    public BandPlot(string title, string xLabel, string yLabel)
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

    /// <summary>Only whole numbers on the x axis (task indices, step counts), never ticks such as 2.5.</summary>
    public bool IntegerXTicks { get; init; }

    /// <summary>Adds a series; points whose mean is not finite are dropped.</summary>
    public BandPlot Add(string name, double[] x, double[] mean, double[] std)
    {
        var keep = Enumerable.Range(0, x.Length).Where(i => double.IsFinite(mean[i])).ToArray();
        series.Add((name, keep.Select(i => x[i]).ToArray(), keep.Select(i => mean[i]).ToArray(), keep.Select(i => double.IsFinite(std[i]) ? std[i] : 0).ToArray()));
        return this;
    }

    /// <summary>Adds a labelled vertical line (e.g. where a chain of games moves to the next game).</summary>
    public BandPlot AddMarker(double x, string label)
    {
        markers.Add((x, label));
        return this;
    }

    /// <summary>Renders the chart to a PNG file.</summary>
    public void SavePng(string path, int width = 900, int height = 520)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        for (int i = 0; i < series.Count; i++)
        {
            var (name, x, mean, std) = series[i];
            if (x.Length == 0) continue;
            var color = palette.GetColor(i);
            if (std.Any(s => s > 0))
            {
                var band = plot.Add.FillY(x, mean.Zip(std, (m, s) => m - s).ToArray(), mean.Zip(std, (m, s) => m + s).ToArray());
                band.FillColor = color.WithAlpha(0.18);
                band.LineWidth = 0;
            }
            var line = plot.Add.Scatter(x, mean);
            line.Color = color;
            line.LineWidth = 2;
            line.MarkerSize = 5;
            line.LegendText = name;
        }
        foreach (var (x, label) in markers)
        {
            var line = plot.Add.VerticalLine(x);
            line.Color = Colors.Gray;
            line.LinePattern = LinePattern.Dashed;
            line.LabelText = label;
            // At the top: at the bottom the label would cover the x axis's tick labels.
            line.LabelOppositeAxis = true;
        }
        // Room between the title and the data for the markers' labels.
        if (markers.Count > 0) plot.Axes.Top.MinimumSize = 30;
        if (IntegerXTicks) plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.Title(Title);
        plot.XLabel(XLabel);
        plot.YLabel(YLabel);
        plot.ShowLegend(Alignment.UpperLeft);
        plot.SavePng(path, width, height);
    }
}

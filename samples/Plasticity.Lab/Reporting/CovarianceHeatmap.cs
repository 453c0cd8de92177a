using Plasticity.ML.Diagnostics;
using ScottPlot;

namespace Plasticity.Lab.Reporting;

/// <summary>
/// Renders a C_k matrix (cosines in [-1, 1]) as a heatmap with a diverging colour map centred on 0, rows and
/// columns in a given <see cref="MatrixOrdering"/> (by label or by k-means cluster), block boundaries drawn as
/// thin lines. Red is negative interference, blue is agreement.
/// </summary>
public static class CovarianceHeatmap
{
    /// <summary>Writes the heatmap of <paramref name="matrix"/> in <paramref name="ordering"/> to a PNG file.</summary>
    public static void SavePng(string path, double[][] matrix, MatrixOrdering ordering, string title, int size = 640)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentNullException.ThrowIfNull(ordering);
        int n = matrix.Length;
        if (n == 0) throw new ArgumentException("The matrix is empty.", nameof(matrix));
        var ordered = ordering.Apply(matrix);
        var cells = new double[n, n];
        for (int p = 0; p < n; p++)
            for (int q = 0; q < n; q++) cells[p, q] = ordered[p][q];

        var plot = new Plot();
        var heatmap = plot.Add.Heatmap(cells);
        // Balance runs blue -> white -> red; reversed so that negative cosines (interference) are red.
        heatmap.Colormap = new ScottPlot.Colormaps.Balance().Reversed();
        heatmap.ManualRange = new ScottPlot.Range(-1, 1);
        heatmap.Position = new CoordinateRect(0, n, 0, n);
        var bar = plot.Add.ColorBar(heatmap);
        bar.Label = "cos(grad l_i, grad l_j)";
        // Row 0 is drawn at the top, so position p sits at y = n - p.
        foreach (int boundary in ordering.Boundaries)
        {
            var vertical = plot.Add.VerticalLine(boundary);
            var horizontal = plot.Add.HorizontalLine(n - boundary);
            foreach (var line in new ScottPlot.Plottables.AxisLine[] { vertical, horizontal })
            {
                line.Color = Colors.Black.WithAlpha(0.5);
                line.LineWidth = 1;
            }
        }
        plot.Axes.SetLimits(0, n, 0, n);
        // Label cells by their position in the ordering, at cell centres; rows count from the top.
        var rows = new ScottPlot.TickGenerators.NumericManual();
        var columns = new ScottPlot.TickGenerators.NumericManual();
        int every = n <= 20 ? 1 : n <= 100 ? 10 : n <= 300 ? 32 : 64;
        for (int p = 0; p < n; p += every)
        {
            string label = p.ToString(System.Globalization.CultureInfo.InvariantCulture);
            rows.AddMajor(n - p - 0.5, label);
            columns.AddMajor(p + 0.5, label);
        }
        plot.Axes.Left.TickGenerator = rows;
        plot.Axes.Bottom.TickGenerator = columns;
        plot.Title(title);
        plot.XLabel($"example (ordered by {ordering.Method})");
        plot.YLabel($"example (ordered by {ordering.Method})");
        plot.SavePng(path, size + 120, size);
    }
}

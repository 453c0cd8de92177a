using Plasticity.ML.Diagnostics;
using ScottPlot;

namespace Plasticity.Lab.Reporting;

/// <summary>
/// Hessian eigenvalue densities (<see cref="HessianDensity"/>) as curves on a log10 density axis, the usual way to
/// show spectral densities: the bulk near 0 and the outliers far from it (the paper's Fig. 2) both stay visible.
/// </summary>
public sealed class DensityPlot
{
    /// <summary>The smallest density drawn; lower values (the Gaussian tails) are clipped to it.</summary>
    public const double Floor = 1e-6;

    private readonly List<(string Name, HessianDensity Density)> curves = [];

    /// <summary>Creates an empty plot.</summary>
    public DensityPlot(string title) => Title = title;

    /// <summary>Title.</summary>
    public string Title { get; }

    /// <summary>Adds a curve.</summary>
    public DensityPlot Add(string name, HessianDensity density)
    {
        ArgumentNullException.ThrowIfNull(density);
        curves.Add((name, density));
        return this;
    }

    /// <summary>Renders the plot to a PNG file.</summary>
    public void SavePng(string path, int width = 900, int height = 520)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        for (int i = 0; i < curves.Count; i++)
        {
            var (name, density) = curves[i];
            var y = density.Density.Select(d => Math.Log10(Math.Max(d, Floor))).ToArray();
            var line = plot.Add.Scatter(density.Grid, y);
            line.Color = palette.GetColor(i);
            line.LineWidth = 2;
            line.MarkerSize = 0;
            line.LegendText = name;
        }
        plot.Title(Title);
        plot.XLabel("Hessian eigenvalue");
        plot.YLabel($"log10 density (clipped at {Floor:g0})");
        plot.ShowLegend(Alignment.UpperRight);
        plot.SavePng(path, width, height);
    }
}

using Plasticity.Lab.Reporting;
using SkiaSharp;

namespace Plasticity.ML.Tests.Lab;

[TestClass]
public sealed class IntervalPlotTests
{
    /// <summary>Category10's first colour (#1f77b4) at the bars' alpha 0.55 over the white background.</summary>
    private static readonly SKColor FirstBar = new(132, 180, 214);

    [TestMethod]
    public void AWideIntervalIsDrawnAsABarAndADegenerateOneAsATickOnly()
    {
        string wide = Path.Combine(Path.GetTempPath(), $"plasticity-intervals-{Guid.NewGuid():N}.png");
        string point = Path.Combine(Path.GetTempPath(), $"plasticity-intervals-{Guid.NewGuid():N}.png");
        try
        {
            new IntervalPlot("t", "x").Add("a", "IQM", 0.5, 0.2, 0.8).Add("b", "IQM", 0.05, 0.0, 0.1).SavePng(wide);
            new IntervalPlot("t", "x").Add("a", "IQM", 0.5, 0.5, 0.5).Add("b", "IQM", 0.05, 0.05, 0.05).SavePng(point);

            // Row a's bar spans 80% of the x range: far more pixels of the bar colour than the legend's swatch holds.
            int wideBar = Count(wide, FirstBar), pointBar = Count(point, FirstBar);
            Assert.IsGreaterThan(20 * pointBar + 2000, wideBar, $"bar pixels: {wideBar} for wide intervals, {pointBar} for points");
        }
        finally
        {
            File.Delete(wide);
            File.Delete(point);
        }
    }

    [TestMethod]
    public void AnIntervalThatDoesNotHoldItsEstimateOrIsAddedTwiceIsRefused()
    {
        var plot = new IntervalPlot("t", "x").Add("dqn", "IQM", 0.3, 0.2, 0.4);
        var outside = Assert.ThrowsExactly<ArgumentException>(() => plot.Add("dqn", "mean", 0.5, 0.2, 0.4));
        StringAssert.Contains(outside.Message, "'mean' in 'dqn'");
        StringAssert.Contains(outside.Message, "outside [0.2, 0.4]");
        Assert.ThrowsExactly<ArgumentException>(() => plot.Add("dqn", "mean", double.NaN, 0.2, 0.4));
        var twice = Assert.ThrowsExactly<ArgumentException>(() => plot.Add("dqn", "IQM", 0.3, 0.2, 0.4));
        StringAssert.Contains(twice.Message, "already added");
        CollectionAssert.AreEqual(new[] { "dqn" }, plot.Rows.ToArray());
        CollectionAssert.AreEqual(new[] { "IQM" }, plot.Statistics.ToArray());
    }

    private static int Count(string path, SKColor color)
    {
        using var bitmap = SKBitmap.Decode(path);
        int count = 0;
        for (int y = 0; y < bitmap.Height; y++)
            for (int x = 0; x < bitmap.Width; x++)
            {
                var c = bitmap.GetPixel(x, y);
                if (Math.Abs(c.Red - color.Red) <= 3 && Math.Abs(c.Green - color.Green) <= 3 && Math.Abs(c.Blue - color.Blue) <= 3) count++;
            }
        return count;
    }
}

namespace Plasticity.ML.Experiments.Falsification;

/// <summary>
/// The ordinary least-squares line y = <see cref="Intercept"/> + <see cref="Slope"/> x through paired samples.
/// </summary>
/// <param name="Slope">dy/dx; NaN when x is constant (or fewer than two pairs): no line is determined.</param>
/// <param name="Intercept">The value at x = 0; NaN with the slope.</param>
/// <param name="Count">Number of pairs fitted.</param>
public sealed record LinearFit(double Slope, double Intercept, int Count)
{
    /// <summary>Fits y on x by least squares: slope = cov(x, y) / var(x), intercept = mean(y) - slope mean(x).</summary>
    public static LinearFit LeastSquares(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        Correlation.CheckPairs(x, y);
        int n = x.Count;
        if (n < 2) return new LinearFit(double.NaN, double.NaN, n);
        double meanX = x.Average(), meanY = y.Average();
        double sxy = 0, sxx = 0;
        for (int i = 0; i < n; i++)
        {
            double dx = x[i] - meanX;
            sxy += dx * (y[i] - meanY);
            sxx += dx * dx;
        }
        if (!(sxx > 0) || Correlation.IsRoundingNoise(sxx, x, meanX)) return new LinearFit(double.NaN, double.NaN, n);
        double slope = sxy / sxx;
        return new LinearFit(slope, meanY - slope * meanX, n);
    }

    /// <summary>The pairs whose two values are both finite (NaN/inf mark a statistic that was not measured).</summary>
    public static (double[] X, double[] Y) Finite(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        Correlation.CheckPairs(x, y);
        var keep = Enumerable.Range(0, x.Count).Where(i => double.IsFinite(x[i]) && double.IsFinite(y[i])).ToArray();
        return (keep.Select(i => x[i]).ToArray(), keep.Select(i => y[i]).ToArray());
    }
}

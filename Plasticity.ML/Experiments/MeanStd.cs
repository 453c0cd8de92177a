namespace Plasticity.ML.Experiments;

/// <summary>A mean with its sample standard deviation (n - 1 in the denominator; 0 for a single value).</summary>
/// <param name="Mean">The mean.</param>
/// <param name="Std">The sample standard deviation.</param>
public sealed record MeanStd(double Mean, double Std)
{
    /// <summary>Mean and sample standard deviation of the finite values (NaN, NaN when there are none).</summary>
    public static MeanStd Of(IEnumerable<double> values)
    {
        var finite = values.Where(double.IsFinite).ToArray();
        if (finite.Length == 0) return new MeanStd(double.NaN, double.NaN);
        double mean = finite.Average();
        double std = finite.Length < 2 ? 0 : Math.Sqrt(finite.Sum(v => (v - mean) * (v - mean)) / (finite.Length - 1));
        return new MeanStd(mean, std);
    }

    /// <summary>"mean ± std" with the given format.</summary>
    public string ToString(string format) => $"{Mean.ToString(format, System.Globalization.CultureInfo.InvariantCulture)} ± {Std.ToString(format, System.Globalization.CultureInfo.InvariantCulture)}";
}

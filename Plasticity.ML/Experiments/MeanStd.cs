using System.Globalization;

namespace Plasticity.ML.Experiments;

/// <summary>
/// A mean with its sample standard deviation (n - 1 in the denominator; 0 for a single value) over the finite values,
/// with how many values it rests on and how many were NaN or infinite, so a mean over fewer seeds than the experiment
/// ran never passes for a mean over all of them.
/// </summary>
/// <param name="Mean">The mean of the finite values (NaN when there are none).</param>
/// <param name="Std">Their sample standard deviation.</param>
/// <param name="Count">Finite values the mean rests on.</param>
/// <param name="NonFinite">Values that were NaN or infinite (failed seeds), left out of the mean and counted here.</param>
public sealed record MeanStd(double Mean, double Std, int Count = 0, int NonFinite = 0)
{
    /// <summary>
    /// Mean and sample standard deviation of the finite values; NaN and infinite values are counted in
    /// <see cref="NonFinite"/>. Use the overload with nullable values for values that are undefined rather than failed.
    /// </summary>
    public static MeanStd Of(IEnumerable<double> values) => Of(values.Select(v => (double?)v));

    /// <summary>
    /// Like <see cref="Of(IEnumerable{double})"/>, where null marks a value that is not defined (the accuracy of a
    /// regression task, a probe that was not scheduled): neither averaged nor counted as a failure.
    /// </summary>
    public static MeanStd Of(IEnumerable<double?> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var defined = values.Where(v => v.HasValue).Select(v => v!.Value).ToArray();
        var finite = defined.Where(double.IsFinite).ToArray();
        int nonFinite = defined.Length - finite.Length;
        if (finite.Length == 0) return new MeanStd(double.NaN, double.NaN, 0, nonFinite);
        double mean = finite.Average();
        double std = finite.Length < 2 ? 0 : Math.Sqrt(finite.Sum(v => (v - mean) * (v - mean)) / (finite.Length - 1));
        return new MeanStd(mean, std, finite.Length, nonFinite);
    }

    /// <summary>"mean ± std" with the given format, plus "(n of m; k non-finite)" when values were left out; "n/a" in
    /// place of the numbers when no value is finite (a variant without a finished run, a statistic never measured).</summary>
    public string ToString(string format)
    {
        string text = Count == 0 ? "n/a" : $"{Mean.ToString(format, CultureInfo.InvariantCulture)} ± {Std.ToString(format, CultureInfo.InvariantCulture)}";
        return NonFinite == 0 ? text : $"{text} ({Count} of {Count + NonFinite}; {NonFinite} non-finite)";
    }
}

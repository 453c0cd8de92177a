using System.Globalization;

namespace Plasticity.ML.Reinforcement.Evaluation;

/// <summary>A point estimate with a confidence interval around it.</summary>
/// <param name="Estimate">The statistic on the scores as measured.</param>
/// <param name="Lower">The interval's lower end.</param>
/// <param name="Upper">The interval's upper end.</param>
/// <param name="Confidence">Its coverage, e.g. 0.95.</param>
/// <param name="Resamples">Bootstrap resamples it rests on.</param>
public sealed record ConfidenceInterval(double Estimate, double Lower, double Upper, double Confidence, int Resamples)
{
    /// <summary>True when <paramref name="value"/> lies in [<see cref="Lower"/>, <see cref="Upper"/>].</summary>
    public bool Contains(double value) => value >= Lower && value <= Upper;

    /// <summary>The interval's width.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public double Width => Upper - Lower;

    /// <summary>"estimate [lower, upper]" with the given number format.</summary>
    public string ToString(string format) =>
        $"{Estimate.ToString(format, CultureInfo.InvariantCulture)} [{Lower.ToString(format, CultureInfo.InvariantCulture)}, {Upper.ToString(format, CultureInfo.InvariantCulture)}]";
}

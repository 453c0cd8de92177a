using System.Globalization;
using System.Text.Json.Serialization;
using Plasticity.ML.Search.Tuners;

namespace Plasticity.ML.Search.Objectives;

/// <summary>What a window's score contributes to a search objective.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ObjectiveMetric>))]
public enum ObjectiveMetric
{
    /// <summary>The prequential accuracy of each window (maximized; class labels only).</summary>
    Accuracy,

    /// <summary>The prequential loss of each window (minimized).</summary>
    Loss,

    /// <summary>
    /// Plasticity loss: the plasticity probe's loss after the trial minus its loss on the initial network (minimized;
    /// PAPER.md's measure). Needs a probe in the training options; the windows' scores are recorded but not aggregated.
    /// </summary>
    PlasticityLoss,
}

/// <summary>How the windows' scores of one trial become one number.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<WindowAggregate>))]
public enum WindowAggregate
{
    /// <summary>The mean over the trial's scored windows: prequential accuracy or loss over the stream.</summary>
    Mean,

    /// <summary>The last scored window only: how well the model does where the stream is now.</summary>
    Final,

    /// <summary>The worst scored window (lowest accuracy, highest loss): robustness to the hardest drift.</summary>
    Worst,
}

/// <summary>
/// A search objective for a drifting stream: a per-window prequential metric and how the windows a trial scored are
/// aggregated. Serializable. The windows a trial aggregates are the ones it trained for itself: a trial that trains
/// from fidelity <c>s</c> to <c>f</c> learns windows <c>s .. f-1</c> and scores windows <c>s+1 .. f</c>, each before it
/// learns it, so trials that continue another trial (successive halving, population-based training) are compared on
/// the windows they covered, like trials on the same rung or in the same generation.
/// </summary>
public sealed record StreamObjective
{
    /// <summary>The per-window metric.</summary>
    public ObjectiveMetric Metric { get; init; } = ObjectiveMetric.Accuracy;

    /// <summary>How the windows are aggregated (ignored for <see cref="ObjectiveMetric.PlasticityLoss"/>).</summary>
    public WindowAggregate Aggregate { get; init; } = WindowAggregate.Mean;

    /// <summary>Mean prequential accuracy, the default.</summary>
    public static StreamObjective MeanAccuracy { get; } = new();

    /// <summary>Whether the tuner should minimize or maximize the objective.</summary>
    [JsonIgnore]
    public OptimizationDirection Direction => Metric == ObjectiveMetric.Accuracy ? OptimizationDirection.Maximize : OptimizationDirection.Minimize;

    /// <summary>True when the trials must run the plasticity probe.</summary>
    [JsonIgnore]
    public bool NeedsProbe => Metric == ObjectiveMetric.PlasticityLoss;

    /// <summary>Checks the objective and throws <see cref="ArgumentException"/> naming the bad field.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Metric)) throw new ArgumentException($"{nameof(Metric)} {(int)Metric} is not an {nameof(ObjectiveMetric)}.");
        if (!Enum.IsDefined(Aggregate)) throw new ArgumentException($"{nameof(Aggregate)} {(int)Aggregate} is not a {nameof(WindowAggregate)}.");
    }

    /// <summary>
    /// The objective of a trial from its scored windows (those it aggregates) and, for plasticity loss, the probe's
    /// loss at initialization and now. Throws <see cref="ArgumentException"/> when there is nothing to aggregate or a
    /// value is not finite (such a trial is failed, never scored).
    /// </summary>
    public double Compute(IReadOnlyList<WindowScore> scores, double? initialProbeLoss = null, double? finalProbeLoss = null)
    {
        ArgumentNullException.ThrowIfNull(scores);
        if (Metric == ObjectiveMetric.PlasticityLoss)
        {
            if (initialProbeLoss is not double initial || finalProbeLoss is not double final)
                throw new ArgumentException("The plasticity-loss objective needs the probe's loss at initialization and at the end of the trial.");
            return Finite(final - initial, $"the plasticity loss ({F(final)} - {F(initial)})");
        }
        if (scores.Count == 0) throw new ArgumentException("The trial scored no window, so it has no objective (a trial must learn at least one window and score the next).");
        var values = scores.Select(s =>
            Finite(WindowValue(s), $"the prequential {Metric.ToString().ToLowerInvariant()} of window {s.Window}")).ToArray();
        return Aggregate switch
        {
            WindowAggregate.Mean => values.Average(),
            WindowAggregate.Final => values[^1],
            _ => Metric == ObjectiveMetric.Accuracy ? values.Min() : values.Max(),
        };
    }

    /// <summary>The value of one window for this objective: its accuracy for <see cref="ObjectiveMetric.Accuracy"/>, else its loss.</summary>
    public double WindowValue(WindowScore score)
    {
        ArgumentNullException.ThrowIfNull(score);
        return Metric == ObjectiveMetric.Accuracy ? score.Accuracy : score.Loss;
    }

    /// <summary>Such as "mean prequential accuracy" or "plasticity loss".</summary>
    public override string ToString() => Metric == ObjectiveMetric.PlasticityLoss
        ? "plasticity loss (probe loss after the trial minus at initialization)"
        : $"{Aggregate switch { WindowAggregate.Mean => "mean", WindowAggregate.Final => "final-window", _ => "worst-window" }} prequential {Metric.ToString().ToLowerInvariant()}";

    private static double Finite(double value, string what) =>
        double.IsFinite(value) ? value : throw new ArgumentException($"{char.ToUpperInvariant(what[0])}{what[1..]} is {F(value)}; a trial with a non-finite score is failed, not ranked.");

    private static string F(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}

using Plasticity.ML.Experiments;
using Plasticity.ML.Reinforcement.Evaluation;

namespace Plasticity.Lab.Reinforcement;

/// <summary>The interquartile mean and mean of one variant's normalized scores, with their intervals.</summary>
public sealed record RlVariantAggregate
{
    /// <summary>The variant.</summary>
    public required string Variant { get; init; }

    /// <summary>Runs pooled (games x finished seeds).</summary>
    public int Runs { get; init; }

    /// <summary>The interquartile mean with its 95% stratified-bootstrap interval.</summary>
    public required ConfidenceInterval InterquartileMean { get; init; }

    /// <summary>The mean with its 95% stratified-bootstrap interval.</summary>
    public required ConfidenceInterval Mean { get; init; }
}

/// <summary>One game: the published DQN return and ours, with the frame counts.</summary>
public sealed record RlGameComparison
{
    /// <summary>The game.</summary>
    public required string Game { get; init; }

    /// <summary>A uniformly random policy's mean return (measured).</summary>
    public double RandomReturn { get; init; }

    /// <summary>The MinAtar paper's DQN return at <see cref="PublishedFrames"/>.</summary>
    public double PublishedDqnReturn { get; init; }

    /// <summary>Frames of the published return.</summary>
    public long PublishedFrames { get; init; }

    /// <summary>Frames of our runs.</summary>
    public long OurFrames { get; init; }

    /// <summary>Per variant: the final evaluation's mean return over seeds.</summary>
    public required IReadOnlyDictionary<string, MeanStd> FinalEvaluation { get; init; }

    /// <summary>Per variant: the mean return of the last 100 training episodes over seeds.</summary>
    public required IReadOnlyDictionary<string, MeanStd> FinalTrainingReturn { get; init; }
}

/// <summary>The "aggregate" section of the rl experiment's summary.json.</summary>
public sealed record RlAggregateSection
{
    /// <summary>What a run's score is.</summary>
    public required string Score { get; init; }

    /// <summary>Per game: the random return (0) and the reference return (1).</summary>
    public required IReadOnlyList<MinMaxNormalization> Normalization { get; init; }

    /// <summary>Episodes of the random policy per game.</summary>
    public int RandomPolicyEpisodes { get; init; }

    /// <summary>Bootstrap resamples of each interval.</summary>
    public int Resamples { get; init; }

    /// <summary>Per variant: IQM and mean with intervals.</summary>
    public required IReadOnlyList<RlVariantAggregate> Variants { get; init; }

    /// <summary>Per game: published and ours.</summary>
    public required IReadOnlyList<RlGameComparison> Games { get; init; }
}

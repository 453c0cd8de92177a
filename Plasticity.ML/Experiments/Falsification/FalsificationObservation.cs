namespace Plasticity.ML.Experiments.Falsification;

/// <summary>One run seen by the <see cref="FalsificationTest"/>: its condition group, its outcome, its statistics.</summary>
public sealed record FalsificationObservation
{
    /// <summary>The condition group (e.g. "random-labels/mlp/adam"); correlations are computed within each group.</summary>
    public required string Group { get; init; }

    /// <summary>What the run is (e.g. "random-labels/mlp/adam/lr0.001/seed-2"), for tables and plots.</summary>
    public string Label { get; init; } = "";

    /// <summary>The outcome the statistics should explain: the run's plasticity loss.</summary>
    public required double Outcome { get; init; }

    /// <summary>Candidate statistics by name; a missing or non-finite value leaves the run out for that statistic only.</summary>
    public required IReadOnlyDictionary<string, double> Statistics { get; init; }
}

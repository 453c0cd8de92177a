using Plasticity.ML.Experiments;

namespace Plasticity.Lab.Reinforcement;

/// <summary>One track and variant of an agent experiment, over its seeds (the rows of summary.json's "runs").</summary>
public sealed record AgentRunSummary
{
    /// <summary>The track (a game, or a chain).</summary>
    public required string Track { get; init; }

    /// <summary>The variant.</summary>
    public required string Variant { get; init; }

    /// <summary>Seeds run.</summary>
    public int Seeds { get; init; }

    /// <summary>Seeds whose loss became NaN or infinite (left out of every mean).</summary>
    public int FailedSeeds { get; init; }

    /// <summary>Environment steps (frames) of each run.</summary>
    public long Steps { get; init; }

    /// <summary>The mean return of the last evaluation of each run, over seeds.</summary>
    public required MeanStd FinalEvaluation { get; init; }

    /// <summary>The mean over all evaluation points of each run (the area under its evaluation curve, per point), over seeds.</summary>
    public required MeanStd MeanEvaluation { get; init; }

    /// <summary>The mean training return of the last 100 episodes of each run's last stage (the MinAtar paper's measure), over seeds.</summary>
    public required MeanStd FinalTrainingReturn { get; init; }

    /// <summary>The probe loss at the last probe point, over seeds (NaN without a probe).</summary>
    public required MeanStd FinalProbeLoss { get; init; }

    /// <summary>The tau = 0.1 dormant-unit fraction at the last probe point, over seeds (NaN without the panel).</summary>
    public required MeanStd FinalDormantFraction { get; init; }

    /// <summary>What made the failed seeds fail.</summary>
    public IReadOnlyList<string> Failures { get; init; } = [];
}

/// <summary>The standard summary.json of an agent experiment (experiment-specific sections are added beside it).</summary>
public sealed record AgentExperimentSummary
{
    /// <summary>The experiment's name.</summary>
    public required string Experiment { get; init; }

    /// <summary>What it shows.</summary>
    public string Description { get; init; } = "";

    /// <summary>Runs of the experiment not finished when this summary was written (an interim summary, from
    /// <c>--report-only</c>); 0 for a complete experiment.</summary>
    public int PendingRuns { get; init; }

    /// <summary>One row per track and variant.</summary>
    public required IReadOnlyList<AgentRunSummary> Runs { get; init; }
}

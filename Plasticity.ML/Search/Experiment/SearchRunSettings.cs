using Plasticity.ML.Search.Objectives;
using Plasticity.ML.Search.Runners;
using Plasticity.ML.Search.Space;
using Plasticity.ML.Search.Trials;
using Plasticity.ML.Search.Tuners;
using Plasticity.ML.Tasks.Streams;

namespace Plasticity.ML.Search.Experiment;

/// <summary>A search's checked settings, as <see cref="SearchExperiment"/> hands them to <see cref="SearchRun"/>.</summary>
internal sealed record SearchRunSettings
{
    public required StreamReference Data { get; init; }

    public required int TuningWindows { get; init; }

    public required int Windows { get; init; }

    public required LearnerSetup Learner { get; init; }

    public required IWindowLearnerFactory Factory { get; init; }

    public required WindowStream TuningStream { get; init; }

    public required SearchSpace Space { get; init; }

    public required ITuner Tuner { get; init; }

    public required StreamObjective Objective { get; init; }

    public required SearchBudget Budget { get; init; }

    public required int Parallelism { get; init; }

    public required bool ReproducibleOrder { get; init; }

    public required string Folder { get; init; }

    public ISearchMonitor? Monitor { get; init; }

    public required ITrialRunner Runner { get; init; }

    public required long Seed { get; init; }

    public required bool EvaluateHeldOut { get; init; }

    public required string DefaultOptions { get; init; }

    /// <summary>The largest fidelity: every learned window but the last tuning window, which is only scored.</summary>
    public int MaxFidelity => TuningWindows - 1;
}

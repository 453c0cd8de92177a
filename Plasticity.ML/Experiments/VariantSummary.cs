namespace Plasticity.ML.Experiments;

/// <summary>The across-seed summary of one variant.</summary>
public sealed record VariantSummary
{
    /// <summary>Variant name.</summary>
    public required string Name { get; init; }

    /// <summary>Number of seeds (runs).</summary>
    public int Seeds { get; init; }

    /// <summary>
    /// Seeds whose probe loss or a recorded statistic came out NaN or infinite; their non-finite values are left out of
    /// the means below, which say how many values they rest on (<see cref="MeanStd.Count"/>).
    /// </summary>
    public int FailedSeeds { get; init; }

    /// <summary>What failed, one line per non-finite value ("seed 3: probe loss = NaN at task 4").</summary>
    public IReadOnlyList<string> Failures { get; init; } = [];

    /// <summary>Plasticity loss (last probe minus initial probe; higher = more plasticity lost).</summary>
    public required MeanStd PlasticityLoss { get; init; }

    /// <summary>End-of-task training accuracy of the last task.</summary>
    public required MeanStd FinalAccuracy { get; init; }

    /// <summary>Probe loss of the initial network.</summary>
    public required MeanStd InitialProbeLoss { get; init; }

    /// <summary>Probe loss after the first task.</summary>
    public required MeanStd FirstTaskProbeLoss { get; init; }

    /// <summary>Probe loss after the last task.</summary>
    public required MeanStd LastTaskProbeLoss { get; init; }

    /// <summary>End-of-task training loss of the last task.</summary>
    public required MeanStd FinalTrainLoss { get; init; }

    /// <summary>Mean seconds per run.</summary>
    public double SecondsPerRun { get; init; }
}

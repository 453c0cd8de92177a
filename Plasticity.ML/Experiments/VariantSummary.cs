namespace Plasticity.ML.Experiments;

/// <summary>The across-seed summary of one variant.</summary>
public sealed record VariantSummary
{
    /// <summary>Variant name.</summary>
    public required string Name { get; init; }

    /// <summary>Number of seeds.</summary>
    public int Seeds { get; init; }

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

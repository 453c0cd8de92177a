namespace Plasticity.ML.Experiments;

/// <summary>All runs of an experiment and their per-variant summaries.</summary>
public sealed record ExperimentResult
{
    /// <summary>The spec that produced it.</summary>
    public required ExperimentSpec Spec { get; init; }

    /// <summary>Every run, ordered by variant (spec order) then seed.</summary>
    public required IReadOnlyList<RunRecord> Runs { get; init; }

    /// <summary>Runs that were loaded from an earlier, interrupted invocation instead of being trained again.</summary>
    public int ResumedRuns { get; init; }

    /// <summary>Wall-clock seconds of this invocation.</summary>
    public double Seconds { get; init; }

    /// <summary>The runs of one variant.</summary>
    public IEnumerable<RunRecord> RunsOf(string variant) => Runs.Where(r => r.Variant == variant);

    /// <summary>Per-variant summaries in spec order.</summary>
    public IReadOnlyList<VariantSummary> Summaries => Spec.Variants.Select(v => Summarize(v.Name)).ToList();

    private VariantSummary Summarize(string variant)
    {
        var runs = RunsOf(variant).Select(r => r.Result).ToList();
        return new VariantSummary
        {
            Name = variant,
            Seeds = runs.Count,
            PlasticityLoss = MeanStd.Of(runs.Select(r => r.PlasticityLoss)),
            FinalAccuracy = MeanStd.Of(runs.Select(r => r.Tasks[^1].FinalTrainAccuracy)),
            InitialProbeLoss = MeanStd.Of(runs.Select(r => r.InitialProbePoint?.Probe?.MeanLoss ?? double.NaN)),
            FirstTaskProbeLoss = MeanStd.Of(runs.Select(r => r.Tasks[0].ProbePoint?.Probe?.MeanLoss ?? double.NaN)),
            LastTaskProbeLoss = MeanStd.Of(runs.Select(r => r.Tasks[^1].ProbePoint?.Probe?.MeanLoss ?? double.NaN)),
            FinalTrainLoss = MeanStd.Of(runs.Select(r => r.Tasks[^1].FinalTrainLoss)),
            SecondsPerRun = runs.Count == 0 ? 0 : runs.Average(r => r.Seconds),
        };
    }
}

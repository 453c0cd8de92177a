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

    /// <summary>Runs of the spec that are not in <see cref="Runs"/> because they have not finished (left untrained by
    /// <see cref="ExperimentRunner.StoredRunsOnly"/>); 0 after a full invocation.</summary>
    public int PendingRuns { get; init; }

    /// <summary>True when some runs of the spec are missing: an interim result.</summary>
    public bool IsPartial => PendingRuns > 0;

    /// <summary>Wall-clock seconds of this invocation.</summary>
    public double Seconds { get; init; }

    /// <summary>The runs of one variant.</summary>
    public IEnumerable<RunRecord> RunsOf(string variant) => Runs.Where(r => r.Variant == variant);

    /// <summary>Per-variant summaries in spec order.</summary>
    public IReadOnlyList<VariantSummary> Summaries => Spec.Variants.Select(v => Summarize(v.Name)).ToList();

    /// <summary>
    /// Why a run counts as failed: each probe loss or recorded statistic that came out NaN or infinite, as
    /// "seed S: what = value at task T". Empty for a sound run.
    /// </summary>
    public static IReadOnlyList<string> FailuresOf(RunRecord run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var failures = new List<string>();
        foreach (var point in run.Result.ProbePoints)
        {
            string where = point.TaskIndex < 0 ? "the initial network" : $"task {point.TaskIndex}";
            if (point.Probe is { } probe && !double.IsFinite(probe.MeanLoss))
                failures.Add(FormattableString.Invariant($"seed {run.Seed}: probe loss = {probe.MeanLoss} at {where}"));
            foreach (var (name, value) in point.Statistics.Where(s => !double.IsFinite(s.Value)))
                failures.Add(FormattableString.Invariant($"seed {run.Seed}: {name} = {value} at {where}"));
        }
        return failures;
    }

    private VariantSummary Summarize(string variant)
    {
        var records = RunsOf(variant).ToList();
        var runs = records.Select(r => r.Result).ToList();
        var failures = records.Select(FailuresOf).ToList();
        static double? Defined(double value, bool defined) => defined ? value : null;
        return new VariantSummary
        {
            Name = variant,
            Seeds = runs.Count,
            FailedSeeds = failures.Count(f => f.Count > 0),
            Failures = failures.SelectMany(f => f).ToList(),
            PlasticityLoss = MeanStd.Of(runs.Select(r => Defined(r.PlasticityLoss, r.ProbePoints.Count(p => p.Probe is not null) >= 2))),
            // Accuracy is NaN by definition for regression targets (not a failure: a count over a count cannot fail).
            FinalAccuracy = MeanStd.Of(runs.Select(r => Defined(r.Tasks[^1].FinalTrainAccuracy, !double.IsNaN(r.Tasks[^1].FinalTrainAccuracy)))),
            InitialProbeLoss = MeanStd.Of(runs.Select(r => r.InitialProbePoint?.Probe?.MeanLoss)),
            FirstTaskProbeLoss = MeanStd.Of(runs.Select(r => r.Tasks[0].ProbePoint?.Probe?.MeanLoss)),
            LastTaskProbeLoss = MeanStd.Of(runs.Select(r => r.Tasks[^1].ProbePoint?.Probe?.MeanLoss)),
            FinalTrainLoss = MeanStd.Of(runs.Select(r => r.Tasks[^1].FinalTrainLoss)),
            SecondsPerRun = runs.Count == 0 ? 0 : runs.Average(r => r.Seconds),
        };
    }
}

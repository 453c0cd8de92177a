using Plasticity.ML.Diagnostics;
using Plasticity.ML.Optimization;

namespace Plasticity.ML.Estimators.Diagnostics;

/// <summary>Settings of <see cref="PlasticityReporter"/>. The probe defaults are small enough to run in production.</summary>
public sealed record PlasticityReportOptions
{
    /// <summary>The probe; the default fits 3 targets for 200 steps on up to 256 rows.</summary>
    public ProbeOptions Probe { get; init; } = new() { Targets = 3, Steps = 200, Inputs = 256, CurvePoints = 0 };

    /// <summary>The probe's optimizer; null uses the model's training optimizer (fresh state).</summary>
    public OptimizerOptions? Optimizer { get; init; }

    /// <summary>Dormancy threshold τ (ReDo uses 0 to 0.1).</summary>
    public double DormantThreshold { get; init; } = 0.1;

    /// <summary>δ of the feature srank.</summary>
    public double RankThreshold { get; init; } = 0.01;

    /// <summary>At most this many rows are read from the data.</summary>
    public int MaxRows { get; init; } = 1024;

    /// <summary>Seed of the probe.</summary>
    public long Seed { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the bad field.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Probe, nameof(Probe));
        Probe.Validate();
        Optimizer?.Validate();
        if (DormantThreshold < 0) throw new ArgumentException($"{nameof(DormantThreshold)} must be non-negative; got {DormantThreshold}.");
        if (RankThreshold is < 0 or >= 1) throw new ArgumentException($"{nameof(RankThreshold)} must lie in [0, 1); got {RankThreshold}.");
        if (MaxRows <= 0) throw new ArgumentException($"{nameof(MaxRows)} must be positive; got {MaxRows}.");
    }
}

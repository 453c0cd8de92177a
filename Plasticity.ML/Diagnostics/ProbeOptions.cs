namespace Plasticity.ML.Diagnostics;

/// <summary>
/// Settings of the plasticity probe (PAPER.md §1.2, §8.3). The defaults are the paper's: 10 targets, 2,000 steps,
/// frequency 1e5.
/// </summary>
public sealed record ProbeOptions
{
    /// <summary>Number of random target functions; the reported loss is the mean over them.</summary>
    public int Targets { get; init; } = 10;

    /// <summary>Optimizer steps per target.</summary>
    public int Steps { get; init; } = 2000;

    /// <summary>Mini-batch size inside the probe (not stated in the paper; the trainer's default).</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Number of probe inputs drawn from the candidate inputs (in the continual trainer: the first task's, at every point); 0 uses them all.</summary>
    public int Inputs { get; init; } = 512;

    /// <summary>Frequency k of the targets <c>a + sin(k * f(x; w0))</c>.</summary>
    public double Frequency { get; init; } = 1e5;

    /// <summary>Number of points at which the probe curve (loss over all probe inputs) is recorded.</summary>
    public int CurvePoints { get; init; } = 20;

    /// <summary>Checks the options and throws <see cref="ArgumentException"/> naming the bad field.</summary>
    public void Validate()
    {
        if (Targets <= 0) throw new ArgumentException($"Probe {nameof(Targets)} must be positive; got {Targets}.");
        if (Steps <= 0) throw new ArgumentException($"Probe {nameof(Steps)} must be positive; got {Steps}.");
        if (BatchSize <= 0) throw new ArgumentException($"Probe {nameof(BatchSize)} must be positive; got {BatchSize}.");
        if (Inputs < 0) throw new ArgumentException($"Probe {nameof(Inputs)} must be non-negative; got {Inputs}.");
        if (CurvePoints < 0) throw new ArgumentException($"Probe {nameof(CurvePoints)} must be non-negative; got {CurvePoints}.");
        if (!double.IsFinite(Frequency)) throw new ArgumentException($"Probe {nameof(Frequency)} must be finite; got {Frequency}.");
    }
}

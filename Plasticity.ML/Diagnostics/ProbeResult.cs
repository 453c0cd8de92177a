namespace Plasticity.ML.Diagnostics;

/// <summary>The outcome of one plasticity probe.</summary>
public sealed record ProbeResult
{
    /// <summary>Final MSE over the probe inputs, averaged over targets.</summary>
    public double MeanLoss { get; init; }

    /// <summary>Standard deviation of the final MSE over targets (population).</summary>
    public double StdLoss { get; init; }

    /// <summary>Final MSE of each target.</summary>
    public required double[] TargetLosses { get; init; }

    /// <summary>Steps at which the curve was recorded (0 = before the first step).</summary>
    public required int[] CurveSteps { get; init; }

    /// <summary>MSE over the probe inputs at each curve step, averaged over targets.</summary>
    public required double[] MeanCurve { get; init; }

    /// <summary>The baseline b: mean variance of the targets, the loss of the best constant predictor (≈ 0.5).</summary>
    public double TargetVariance { get; init; }

    /// <summary>Seconds the probe took.</summary>
    public double Seconds { get; init; }
}

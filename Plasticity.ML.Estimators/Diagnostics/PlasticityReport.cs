namespace Plasticity.ML.Estimators.Diagnostics;

/// <summary>
/// How much plasticity a trained model has left, in numbers production code can log: the paper's probe (how well a
/// copy of the network fits fresh random targets) and the mechanism statistics measured on the given data.
/// </summary>
public sealed record PlasticityReport
{
    /// <summary>Probe loss: final MSE on the probe targets, mean over targets (higher = less plastic).</summary>
    public double ProbeLoss { get; init; }

    /// <summary>Standard deviation of the probe loss over targets.</summary>
    public double ProbeLossStd { get; init; }

    /// <summary>Loss of the best constant predictor on the probe targets; a probe loss near it means the network cannot fit at all.</summary>
    public double ProbeBaseline { get; init; }

    /// <summary>Per hidden layer: fraction of units whose activation is zero on every row (dead ReLUs).</summary>
    public required double[] DeadUnitFraction { get; init; }

    /// <summary>Per hidden layer: fraction of τ-dormant units (mean |activation| at most τ times the layer's average; ReDo's score).</summary>
    public required double[] DormantUnitFraction { get; init; }

    /// <summary>Per hidden layer: fraction of linearized ("zombie") units, whose pre-activation is positive on every row.</summary>
    public required double[] LinearizedUnitFraction { get; init; }

    /// <summary>Effective rank of the penultimate features: exp of the entropy of their normalized singular values.</summary>
    public double FeatureEffectiveRank { get; init; }

    /// <summary>Mean absolute value of all parameters.</summary>
    public double MeanAbsoluteWeight { get; init; }

    /// <summary>
    /// srank of the penultimate features (Kumar et al., 2021; the paper's feature rank): the fewest singular values of the
    /// feature matrix whose sum holds at least 1 − δ of the sum of all of them (δ = <see cref="PlasticityReportOptions.RankThreshold"/>).
    /// An integer count, unlike <see cref="FeatureEffectiveRank"/>, which is the entropy-based effective rank.
    /// </summary>
    public int FeatureRank { get; init; }

    /// <summary>Width of the penultimate layer (the largest possible <see cref="FeatureRank"/>).</summary>
    public int FeatureWidth { get; init; }

    /// <summary>L2 norm of all parameters.</summary>
    public double ParameterNorm { get; init; }

    /// <summary>Rows the statistics were measured on.</summary>
    public int Rows { get; init; }
}

using Plasticity.ML.Experiments;

namespace Plasticity.Lab.Catalog;

/// <summary>The "curvature" section of the curvature experiment's <c>summary.json</c>.</summary>
public sealed record CurvatureSummary
{
    /// <summary>The loss the Hessian and C_k are of.</summary>
    public required string Objective { get; init; }

    /// <summary>How the outlier mass threshold is chosen.</summary>
    public required string OutlierThreshold { get; init; }

    /// <summary>Per variant.</summary>
    public required IReadOnlyList<CurvatureVariantSummary> Variants { get; init; }
}

/// <summary>One variant of the curvature experiment.</summary>
public sealed record CurvatureVariantSummary
{
    /// <summary>Variant name.</summary>
    public required string Name { get; init; }

    /// <summary>Seeds.</summary>
    public int Seeds { get; init; }

    /// <summary>Each measured point, in order.</summary>
    public required IReadOnlyList<CurvaturePoint> Points { get; init; }
}

/// <summary>The density and C_k summaries at one point, mean ± std over seeds.</summary>
public sealed record CurvaturePoint
{
    /// <summary>Tasks completed (0 = the initial network).</summary>
    public int TasksCompleted { get; init; }

    /// <summary>Top Hessian eigenvalue by power iteration.</summary>
    public required MeanStd TopEigenvalue { get; init; }

    /// <summary>Largest SLQ Ritz value (the density's right edge).</summary>
    public required MeanStd LargestRitzValue { get; init; }

    /// <summary>Smallest SLQ Ritz value (the density's left edge; negative = negative curvature).</summary>
    public required MeanStd SmallestRitzValue { get; init; }

    /// <summary>SLQ mass beyond the initial network's largest |eigenvalue|.</summary>
    public required MeanStd OutlierMass { get; init; }

    /// <summary>C_k mean off-diagonal cosine.</summary>
    public required MeanStd CovarianceMeanOffDiagonal { get; init; }

    /// <summary>Fraction of negative off-diagonal C_k entries.</summary>
    public required MeanStd CovarianceFractionNegative { get; init; }

    /// <summary>Effective rank of C_k.</summary>
    public required MeanStd CovarianceEffectiveRank { get; init; }

    /// <summary>Dead-unit fraction.</summary>
    public required MeanStd DeadFraction { get; init; }

    /// <summary>Plasticity probe loss.</summary>
    public required MeanStd ProbeLoss { get; init; }
}

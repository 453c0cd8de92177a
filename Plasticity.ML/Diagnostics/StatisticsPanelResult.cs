namespace Plasticity.ML.Diagnostics;

/// <summary>What one <see cref="StatisticsPanel.Measure"/> produced.</summary>
public sealed record StatisticsPanelResult
{
    /// <summary>Named scalar statistics (names listed on <see cref="StatisticsPanel"/>).</summary>
    public required Dictionary<string, double> Values { get; init; }

    /// <summary>Seconds per statistic group ("units", "weights", ..., and "panel" for the whole panel).</summary>
    public required Dictionary<string, double> Seconds { get; init; }

    /// <summary>The C_k matrix, when computed.</summary>
    public GradientCovarianceResult? GradientCovariance { get; init; }

    /// <summary>Rows of the caller's sample that C_k used, in matrix order (to look up labels), when computed.</summary>
    public int[]? GradientCovarianceSampleRows { get; init; }

    /// <summary>The Hessian spectral density, when computed.</summary>
    public HessianDensity? HessianDensity { get; init; }
}

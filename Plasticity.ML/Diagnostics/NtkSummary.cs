namespace Plasticity.ML.Diagnostics;

/// <summary>
/// Summaries of an empirical NTK Gram matrix K (n samples x o outputs rows). Lyle et al. 2024 (PAPER.md §7.1)
/// find that plasticity loss collapses K toward diagonal + low rank: watch the top-eigenvalue fraction rise and the
/// effective rank fall.
/// </summary>
public sealed record NtkSummary
{
    /// <summary>Rows of K (samples times outputs).</summary>
    public int Size { get; init; }

    /// <summary>Mean diagonal entry: the mean squared gradient norm of one output.</summary>
    public double MeanDiagonal { get; init; }

    /// <summary>lambda_max / tr K: 1 for rank one.</summary>
    public double TopEigenvalueFraction { get; init; }

    /// <summary>exp(entropy) of the normalized eigenvalues.</summary>
    public double EffectiveRank { get; init; }

    /// <summary>Mean off-diagonal entry of the normalized kernel K_ij / sqrt(K_ii K_jj).</summary>
    public double MeanOffDiagonalCosine { get; init; }
}

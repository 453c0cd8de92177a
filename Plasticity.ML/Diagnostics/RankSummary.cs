namespace Plasticity.ML.Diagnostics;

/// <summary>Rank measures of one matrix, all computed from its singular values (see <see cref="SpectralRank"/>).</summary>
public sealed record RankSummary
{
    /// <summary>Number of singular values above the numerical tolerance.</summary>
    public int NumericalRank { get; init; }

    /// <summary>
    /// srank_delta: the smallest k whose top-k singular values hold a fraction 1 - delta of their sum (Kumar et al.
    /// 2021; what Dohare et al. 2024 and Plasticine call the stable rank).
    /// </summary>
    public int StableRank { get; init; }

    /// <summary>
    /// The stable rank of Rudelson and Vershynin (2007), <c>||A||_F^2 / ||A||_2^2 = sum sigma_i^2 / sigma_max^2</c>: a
    /// continuous, noise-robust lower bound of the rank (0 for a zero matrix).
    /// </summary>
    public double NormStableRank { get; init; }

    /// <summary>exp(entropy) of the singular values normalized to sum to one (Roy &amp; Vetterli; Dohare et al. 2024).</summary>
    public double EffectiveRank { get; init; }

    /// <summary>The largest singular value.</summary>
    public double LargestSingularValue { get; init; }

    /// <summary>min(rows, columns): the largest rank possible.</summary>
    public int MaximumRank { get; init; }
}

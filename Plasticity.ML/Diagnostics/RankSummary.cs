namespace Plasticity.ML.Diagnostics;

/// <summary>Rank measures of one matrix, all computed from its singular values (see <see cref="SpectralRank"/>).</summary>
public sealed record RankSummary
{
    /// <summary>Number of singular values above the numerical tolerance.</summary>
    public int NumericalRank { get; init; }

    /// <summary>srank_delta: the smallest k whose top-k singular values hold a fraction 1 - delta of their sum.</summary>
    public int StableRank { get; init; }

    /// <summary>exp(entropy) of the singular values normalized to sum to one (Roy &amp; Vetterli; Dohare et al. 2024).</summary>
    public double EffectiveRank { get; init; }

    /// <summary>The largest singular value.</summary>
    public double LargestSingularValue { get; init; }

    /// <summary>min(rows, columns): the largest rank possible.</summary>
    public int MaximumRank { get; init; }
}

using System.Globalization;

namespace Plasticity.Lab.Reinforcement;

/// <summary>A mean with its standard error over <paramref name="Count"/> finite values (NaN error for fewer than 2).</summary>
public sealed record MeanError(double Mean, double StandardError, int Count)
{
    /// <summary>"mean ± standard error" with two decimals; "—" when no value is behind it.</summary>
    public override string ToString() => Count == 0 ? "—" :
        $"{Mean.ToString("F2", CultureInfo.InvariantCulture)} ± {(double.IsNaN(StandardError) ? "—" : StandardError.ToString("F2", CultureInfo.InvariantCulture))}";
}

/// <summary>One variant's score on the continual chain.</summary>
public sealed record ChainScore
{
    /// <summary>The variant.</summary>
    public required string Variant { get; init; }

    /// <summary>Finished seeds.</summary>
    public int Seeds { get; init; }

    /// <summary>The chain's score: the mean over every evaluation point, over seeds.</summary>
    public required MeanError Chain { get; init; }

    /// <summary>Per game: the mean over its evaluation points, over seeds.</summary>
    public required IReadOnlyList<MeanError> PerGame { get; init; }

    /// <summary>Per game: its last evaluation, over seeds.</summary>
    public required IReadOnlyList<MeanError> FinalPerGame { get; init; }

    /// <summary>Each finished seed's scores, in seed order: what <see cref="Chain"/> and <see cref="PerGame"/> average.</summary>
    public required IReadOnlyList<ChainSeedScore> PerSeed { get; init; }
}

/// <summary>One run's score on the continual chain.</summary>
/// <param name="Seed">The run's seed.</param>
/// <param name="Chain">The mean of every evaluation's mean return over the chain.</param>
/// <param name="PerGame">Per game, the mean of its evaluations' mean returns (NaN for a game without evaluations).</param>
public sealed record ChainSeedScore(long Seed, double Chain, IReadOnlyList<double> PerGame);

/// <summary>The published continual-MinAtar numbers, with what is known of them.</summary>
/// <param name="Vanilla">Vanilla Double DQN.</param>
/// <param name="VanillaSpread">Its ±.</param>
/// <param name="CChain">C-CHAIN.</param>
/// <param name="CChainSpread">Its ±.</param>
/// <param name="Seeds">Seeds behind both.</param>
/// <param name="StepsPerGame">Steps per game of the published runs.</param>
/// <param name="Note">What is not known.</param>
public sealed record ChainPublished(double Vanilla, double VanillaSpread, double CChain, double CChainSpread, int Seeds, long StepsPerGame, string Note);

/// <summary>The "chain" section of the continual-minatar experiment's summary.json.</summary>
public sealed record ChainSection
{
    /// <summary>The games in order.</summary>
    public required IReadOnlyList<string> Games { get; init; }

    /// <summary>Steps per game of our runs.</summary>
    public long StepsPerGame { get; init; }

    /// <summary>How our score is aggregated.</summary>
    public required string Aggregation { get; init; }

    /// <summary>The published numbers.</summary>
    public required ChainPublished Published { get; init; }

    /// <summary>Our scores per variant.</summary>
    public required IReadOnlyList<ChainScore> Variants { get; init; }
}

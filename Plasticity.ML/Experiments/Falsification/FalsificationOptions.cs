namespace Plasticity.ML.Experiments.Falsification;

/// <summary>Settings of the <see cref="FalsificationTest"/>. Serializable.</summary>
public sealed record FalsificationOptions
{
    /// <summary>
    /// Fewest runs a group needs for its correlation and slope to be reported (fewer gives NaN). At least 3: with two
    /// points any correlation is exactly ±1.
    /// </summary>
    public int MinimumPoints { get; init; } = 3;

    /// <summary>|r| at or above which a group's sign counts as a clear one for <see cref="StatisticFalsification.StrongSignFlip"/>.</summary>
    public double StrongCorrelation { get; init; } = 0.5;

    /// <summary>Checks the options and throws <see cref="ArgumentException"/> naming the bad field.</summary>
    public void Validate()
    {
        if (MinimumPoints < 3) throw new ArgumentException($"Falsification {nameof(MinimumPoints)} must be at least 3; got {MinimumPoints}.");
        if (!(StrongCorrelation > 0 && StrongCorrelation <= 1))
            throw new ArgumentException($"Falsification {nameof(StrongCorrelation)} must be in (0, 1]; got {StrongCorrelation}.");
    }
}

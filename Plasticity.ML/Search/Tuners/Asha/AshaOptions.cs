namespace Plasticity.ML.Search.Tuners.Asha;

/// <summary>Settings of the <see cref="AshaTuner"/>. Serializable.</summary>
public sealed record AshaOptions
{
    /// <summary>Whether smaller or larger metrics are better.</summary>
    public required OptimizationDirection Direction { get; init; }

    /// <summary>The seed of the sampled configurations: same seed (and results), same proposals.</summary>
    public long Seed { get; init; }

    /// <summary>The grace period r: the fidelity every new configuration is first trained to (windows, tasks or steps).</summary>
    public long MinFidelity { get; init; } = 1;

    /// <summary>The maximum fidelity R: the top rung trains to exactly this.</summary>
    public required long MaxFidelity { get; init; }

    /// <summary>The reduction factor eta: each rung keeps the best 1/eta of what reached it, at eta times the fidelity (Li et al. use 3 or 4).</summary>
    public int ReductionFactor { get; init; } = 3;

    /// <summary>The minimum early-stopping rate s: the bottom rung trains to <c>r·eta^s</c> (0 in most uses).</summary>
    public int MinEarlyStoppingRate { get; init; }

    /// <summary>Checks the options and throws <see cref="ArgumentException"/> naming the bad field.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Direction)) throw new ArgumentException($"{nameof(Direction)} {(int)Direction} is not an {nameof(OptimizationDirection)}.");
        if (MinFidelity < 1) throw new ArgumentException($"{nameof(MinFidelity)} (the grace period) must be at least 1; got {MinFidelity}.");
        if (MaxFidelity < MinFidelity) throw new ArgumentException($"{nameof(MaxFidelity)} must be at least {nameof(MinFidelity)} ({MinFidelity}); got {MaxFidelity}.");
        if (ReductionFactor < 2) throw new ArgumentException($"{nameof(ReductionFactor)} must be at least 2; got {ReductionFactor}.");
        if (MinEarlyStoppingRate < 0) throw new ArgumentException($"{nameof(MinEarlyStoppingRate)} must be non-negative; got {MinEarlyStoppingRate}.");
        int maxRate = MaxRate(MinFidelity, MaxFidelity, ReductionFactor);
        if (MinEarlyStoppingRate > maxRate)
            throw new ArgumentException($"{nameof(MinEarlyStoppingRate)} must be at most floor(log_{ReductionFactor}({MaxFidelity}/{MinFidelity})) = {maxRate}; got {MinEarlyStoppingRate}.");
    }

    /// <summary>The largest k with <c>r·eta^k &lt;= R</c>, computed in integers.</summary>
    internal static int MaxRate(long min, long max, int eta)
    {
        int k = 0;
        for (long f = min; f <= max / eta && f * eta <= max; f *= eta) k++;
        return k;
    }
}

namespace Plasticity.ML.Search.Tuners.PopulationBased;

/// <summary>Settings of the <see cref="PopulationBasedTuner"/>. Serializable.</summary>
public sealed record PopulationBasedOptions
{
    /// <summary>Whether smaller or larger metrics are better.</summary>
    public required OptimizationDirection Direction { get; init; }

    /// <summary>The seed of the initial population, the exploit sources and the perturbations.</summary>
    public long Seed { get; init; }

    /// <summary>Number of members trained side by side (at least 2).</summary>
    public int PopulationSize { get; init; } = 8;

    /// <summary>Fidelity between two exploit-and-explore decisions (windows, tasks or steps; at least 1).</summary>
    public required long Interval { get; init; }

    /// <summary>The fidelity at which training ends; the last interval is shortened to end exactly here.</summary>
    public required long MaxFidelity { get; init; }

    /// <summary>Fraction of the population in the bottom quantile that exploits, and in the top quantile that is exploited
    /// (Jaderberg et al. and Ray Tune: 0.25). At least one member each; at most half the population.</summary>
    public double Quantile { get; init; } = 0.25;

    /// <summary>Probability that exploring resamples a parameter from its whole domain instead of perturbing it (Ray Tune: 0.25).</summary>
    public double ResampleProbability { get; init; } = 0.25;

    /// <summary>The factors a range parameter is multiplied by when perturbed, one drawn at random (Jaderberg et al.: 0.8 and 1.2).</summary>
    public IReadOnlyList<double> PerturbationFactors { get; init; } = [0.8, 1.2];

    /// <summary>Start member 0 at the space's defaults instead of a random configuration.</summary>
    public bool IncludeDefault { get; init; }

    /// <summary>Checks the options and throws <see cref="ArgumentException"/> naming the bad field.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Direction)) throw new ArgumentException($"{nameof(Direction)} {(int)Direction} is not an {nameof(OptimizationDirection)}.");
        if (PopulationSize < 2) throw new ArgumentException($"{nameof(PopulationSize)} must be at least 2; got {PopulationSize}.");
        if (Interval < 1) throw new ArgumentException($"{nameof(Interval)} must be at least 1; got {Interval}.");
        if (MaxFidelity < Interval) throw new ArgumentException($"{nameof(MaxFidelity)} must be at least {nameof(Interval)} ({Interval}); got {MaxFidelity}.");
        if (!(Quantile > 0 && Quantile <= 0.5)) throw new ArgumentException($"{nameof(Quantile)} must lie in (0, 0.5]; got {Quantile}.");
        if (!(ResampleProbability >= 0 && ResampleProbability <= 1)) throw new ArgumentException($"{nameof(ResampleProbability)} must lie in [0, 1]; got {ResampleProbability}.");
        if (PerturbationFactors is null || PerturbationFactors.Count == 0 || PerturbationFactors.Any(f => !(f > 0) || double.IsInfinity(f)))
            throw new ArgumentException($"{nameof(PerturbationFactors)} must hold at least one finite positive factor; got [{string.Join(", ", PerturbationFactors ?? [])}].");
    }
}

using Plasticity.ML.Search.Space;

namespace Plasticity.ML.Search.Tuners.CostFrugal;

/// <summary>Settings of the <see cref="CostFrugalTuner"/> (FLOW2's constants). Serializable.</summary>
public sealed record CostFrugalOptions
{
    /// <summary>Whether smaller or larger metrics are better.</summary>
    public required OptimizationDirection Direction { get; init; }

    /// <summary>The seed of the random directions and restarts: same seed (and results), same proposals.</summary>
    public long Seed { get; init; }

    /// <summary>Where the first local search starts; null for the space's defaults (the low-cost point, by design of the defaults).</summary>
    public ParameterSet? Start { get; init; }

    /// <summary>Initial step length, as a fraction of the unit cube's diagonal <c>sqrt(d)</c> (FLAML and ML.NET: 0.1).</summary>
    public double InitialStep { get; init; } = 0.1;

    /// <summary>The factor by which the step grows after an improvement and shrinks after a run of failures (ML.NET: 1.5).</summary>
    public double StepFactor { get; init; } = 1.5;

    /// <summary>A local search whose step falls below this (in unit-cube length) has converged and restarts (FLAML and ML.NET: 1e-4).</summary>
    public double StepLowerBound { get; init; } = 1e-4;

    /// <summary>Checks the options and throws <see cref="ArgumentException"/> naming the bad field.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Direction)) throw new ArgumentException($"{nameof(Direction)} {(int)Direction} is not an {nameof(OptimizationDirection)}.");
        if (!(InitialStep > 0 && InitialStep <= 1)) throw new ArgumentException($"{nameof(InitialStep)} must lie in (0, 1]; got {InitialStep}.");
        if (!(StepFactor > 1) || double.IsInfinity(StepFactor)) throw new ArgumentException($"{nameof(StepFactor)} must be finite and greater than 1; got {StepFactor}.");
        if (!(StepLowerBound > 0 && StepLowerBound < InitialStep)) throw new ArgumentException($"{nameof(StepLowerBound)} must be positive and below {nameof(InitialStep)} ({InitialStep}); got {StepLowerBound}.");
    }
}

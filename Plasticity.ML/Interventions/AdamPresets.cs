using Plasticity.ML.Optimization;

namespace Plasticity.ML.Interventions;

/// <summary>
/// Adam settings from the paper's first case study (PAPER.md §2.2): with β₂ = 0.999 and a tiny ε, a loss jump at a
/// task switch makes the update a large first moment over a stale, small second moment; β₂ = 0.9 and ε = 1e-3
/// remove the failure.
/// </summary>
public static class AdamPresets
{
    /// <summary>The stabilized β₂ of the case study.</summary>
    public const double StableBeta2 = 0.9;

    /// <summary>The stabilized ε of the case study.</summary>
    public const double StableEpsilon = 1e-3;

    /// <summary>
    /// <paramref name="baseline"/> (default: Adam with default settings) with β₂ = 0.9 and ε = 1e-3, placed inside the
    /// square root as in the paper's Eq. 6 (<c>m / (sqrt(v + ε̄) + ε)</c>, keeping the baseline's outer ε), or outside
    /// it (<c>m / (sqrt(v) + ε)</c>, the only form TorchSharp's Adam offers).
    /// </summary>
    /// <exception cref="ArgumentException">The baseline is SGD, or ε inside the square root was asked of TorchSharp's Adam.</exception>
    public static OptimizerOptions Stable(OptimizerOptions? baseline = null, bool epsilonInsideSqrt = true)
    {
        var options = baseline ?? new OptimizerOptions();
        if (options.Kind == OptimizerKind.Sgd) throw new ArgumentException("The β₂/ε preset applies to Adam or AdamW, not SGD.", nameof(baseline));
        var stable = epsilonInsideSqrt
            ? options with { Beta2 = StableBeta2, EpsilonInsideSqrt = StableEpsilon }
            : options with { Beta2 = StableBeta2, Epsilon = StableEpsilon, EpsilonInsideSqrt = 0 };
        stable.Validate();
        return stable;
    }
}

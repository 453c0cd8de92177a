using Plasticity.ML.Interventions.Parameterization;
using Plasticity.ML.Interventions.Resets;
using Plasticity.ML.Networks;
using Plasticity.ML.Optimization;

namespace Plasticity.ML.Interventions;

/// <summary>Named recipes from the literature (PAPER.md §7).</summary>
public static class InterventionPresets
{
    /// <summary>The coefficient of L2 regularization in Lyle et al. 2024's recipe.</summary>
    public const double Lyle2024WeightDecay = 1e-5;

    /// <summary>
    /// Lyle et al. 2024 ("Disentangling the causes of plasticity loss"): LayerNorm in every hidden layer, L2
    /// regularization 1e-5 (a coupled loss term, independent of the optimizer), and a two-hot head in place of a
    /// regression head (keeping its outputs; bins and range from <paramref name="twoHot"/> or the
    /// <see cref="HeadSpec"/> defaults). A classification head stays a classification head: the recipe's
    /// categorical output is meant for regression-like targets.
    /// </summary>
    public static InterventionRecipe Lyle2024(NetworkSpec network, OptimizerOptions? optimizer = null, HeadSpec? twoHot = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        var head = network.Head.Kind == HeadKind.Regression
            ? (twoHot ?? new HeadSpec()) with { Kind = HeadKind.TwoHot, Outputs = network.Head.Outputs }
            : network.Head;
        var spec = network with { Normalization = NormalizationKind.LayerNorm, Head = head };
        spec.Validate();
        return new InterventionRecipe("lyle-2024", spec, optimizer ?? new OptimizerOptions(),
            [new WeightDecaySpec { Coefficient = Lyle2024WeightDecay, Mode = WeightDecayMode.Coupled }]);
    }

    /// <summary>
    /// Normalize-and-project (Lyle et al. 2024, NeurIPS; <see cref="NormalizeAndProjectSpec"/>): LayerNorm in every hidden
    /// layer, and every weight projected back onto its initial norm after each step.
    /// </summary>
    public static InterventionRecipe NormalizeAndProject(NetworkSpec network, OptimizerOptions? optimizer = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        var spec = network with { Normalization = NormalizationKind.LayerNorm };
        spec.Validate();
        return new InterventionRecipe("normalize-and-project", spec, optimizer ?? new OptimizerOptions(), [new NormalizeAndProjectSpec()]);
    }
}

using Plasticity.ML.Networks;
using Plasticity.ML.Optimization;
using Plasticity.ML.Training;

namespace Plasticity.ML.Interventions;

/// <summary>
/// A named bundle of everything an intervention recipe changes: the network's parameterization, the optimizer
/// settings and the list of interventions. <see cref="ApplyTo"/> puts it into training options.
/// </summary>
/// <param name="Name">A short name, such as "lyle-2024".</param>
/// <param name="Network">The network spec to train.</param>
/// <param name="Optimizer">The optimizer settings.</param>
/// <param name="Interventions">Interventions, applied in list order.</param>
public sealed record InterventionRecipe(string Name, NetworkSpec Network, OptimizerOptions Optimizer, IReadOnlyList<InterventionSpec> Interventions)
{
    /// <summary>
    /// <paramref name="options"/> with this recipe's network and optimizer, and its interventions placed before the
    /// ones the options already hold.
    /// </summary>
    public ContinualTrainingOptions ApplyTo(ContinualTrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options with { Network = Network, Optimizer = Optimizer, Interventions = [.. Interventions, .. options.Interventions] };
    }
}

using Plasticity.ML.Interventions;
using Plasticity.ML.Networks;
using Plasticity.ML.Optimization;
using Plasticity.ML.Reinforcement.Agents;
using Plasticity.ML.Reinforcement.Environments;

namespace Plasticity.ML.Experiments.Agents;

/// <summary>
/// One variant of an agent experiment: what it changes in the experiment's <see cref="AgentExperimentSpec.Agent"/>
/// options (the rest is shared, so variants differ only where they say).
/// </summary>
public sealed record AgentVariantSpec
{
    /// <summary>The variant's name in files and reports.</summary>
    public required string Name { get; init; }

    /// <summary>The learning rule, or null to keep the experiment's.</summary>
    public AgentKind? Kind { get; init; }

    /// <summary>The normalization of the Q-network's hidden layers (e.g. LayerNorm), or null to keep it.</summary>
    public NormalizationKind? Normalization { get; init; }

    /// <summary>The Q-network's head (its <see cref="HeadSpec.Outputs"/> is set to the environment's actions), or null to
    /// keep the default (C51: 51 atoms on [-10, 10]).</summary>
    public HeadSpec? Head { get; init; }

    /// <summary>The interventions (replacing the experiment's), or null to keep them.</summary>
    public IReadOnlyList<InterventionSpec>? Interventions { get; init; }

    /// <summary>The optimizer, or null to keep the experiment's.</summary>
    public OptimizerOptions? Optimizer { get; init; }

    /// <summary>The options of this variant's run with <paramref name="seed"/> on <paramref name="environment"/> (the
    /// first stage's environment: it decides the network's input and outputs).</summary>
    public AgentOptions Apply(AgentOptions options, EnvironmentSpec environment, long seed)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);
        var applied = options with
        {
            Kind = Kind ?? options.Kind,
            Interventions = Interventions ?? options.Interventions,
            Optimizer = Optimizer ?? options.Optimizer,
            Seed = seed,
        };
        if (Normalization is null && Head is null) return applied;
        var network = applied.Network ?? Agent.DefaultNetwork(applied.Kind, environment);
        if (Normalization is { } normalization) network = network with { Normalization = normalization };
        if (Head is { } head) network = network with { Head = head with { Outputs = environment.ActionCount } };
        return applied with { Network = network };
    }

    /// <summary>Checks the settings; throws <see cref="ArgumentException"/> naming the bad field and value.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Name)) throw new ArgumentException($"A variant's {nameof(Name)} must not be empty.");
        Optimizer?.Validate();
        if (Interventions is not null)
            foreach (var intervention in Interventions)
            {
                ArgumentNullException.ThrowIfNull(intervention, nameof(Interventions));
                intervention.Validate();
            }
    }
}

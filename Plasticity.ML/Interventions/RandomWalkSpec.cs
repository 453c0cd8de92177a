using System.Text.Json.Serialization;
using Plasticity.ML.Training;

namespace Plasticity.ML.Interventions;

/// <summary>
/// The Brownian-motion control of PAPER.md §2.3 and §8.6: after every optimizer step the update is replaced by a
/// step of the same L2 norm in a uniformly random direction. The walk thus moves exactly as far per step as the
/// optimizer would from the walk's current parameters, but never along the gradient, separating "the parameters
/// moved this much" from "they moved to fit the tasks". See <see cref="RandomWalkHook"/>.
/// </summary>
/// <remarks>A control rather than a remedy; it is a spec like the interventions so that runs with it are
/// serializable, fingerprinted and repeatable. It acts after every step, so <see cref="InterventionSpec.Timing"/>
/// must be <see cref="InterventionTiming.EveryStep"/> (the default here).</remarks>
public sealed record RandomWalkSpec : InterventionSpec
{
    /// <summary>Creates the spec, acting after every step.</summary>
    public RandomWalkSpec() => Timing = InterventionTiming.EveryStep;

    /// <inheritdoc />
    [JsonIgnore]
    public override string DisplayName => "random-walk";

    /// <inheritdoc />
    public override TrainingHook CreateHook() => new RandomWalkHook();

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        if (Timing.Trigger != InterventionTrigger.EveryStep)
            throw new ArgumentException($"The random walk replaces every step; its {nameof(Timing)} must be {nameof(InterventionTrigger.EveryStep)}, not {Timing.Trigger}.");
    }
}

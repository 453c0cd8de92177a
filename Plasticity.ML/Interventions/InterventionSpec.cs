using System.Text.Json.Serialization;
using Plasticity.ML.Training;

namespace Plasticity.ML.Interventions;

/// <summary>
/// A serializable intervention: what it does and when (<see cref="Timing"/>). <see cref="CreateHook"/> gives the
/// trainer hook that carries it out. Interventions compose: the training options hold a list, applied in order.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(ResetSpec), "reset")]
public abstract record InterventionSpec
{
    /// <summary>When it acts.</summary>
    public InterventionTiming Timing { get; init; } = InterventionTiming.AtTaskBoundaries;

    /// <summary>A short human-readable name, such as "reset-last-1".</summary>
    [JsonIgnore]
    public abstract string DisplayName { get; }

    /// <summary>The hook that carries the intervention out in a trainer.</summary>
    public abstract TrainingHook CreateHook();

    /// <summary>Checks the settings and throws <see cref="ArgumentException"/> naming the bad field.</summary>
    public virtual void Validate() => Timing.Validate();
}

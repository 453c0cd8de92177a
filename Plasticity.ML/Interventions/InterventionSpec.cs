using System.Text.Json.Serialization;
using Plasticity.ML.Interventions.Churn;
using Plasticity.ML.Interventions.Parameterization;
using Plasticity.ML.Interventions.Resets;
using Plasticity.ML.Training;
using Plasticity.ML.Search;

namespace Plasticity.ML.Interventions;

/// <summary>
/// A serializable intervention: what it does and when (<see cref="Timing"/>). <see cref="CreateHook"/> gives the
/// trainer hook that carries it out. Interventions compose: the training options hold a list, applied in order.
/// </summary>
/// <remarks>
/// Composition order: at every hook point (task start, extra loss, after backward, after step) the trainer calls
/// the interventions' hooks in list order, then the hooks added with <c>ContinualTrainer.AddHook</c>. So
/// <c>[shrink-perturb, reset-last-1]</c> leaves a freshly drawn output layer, while <c>[reset-last-1,
/// shrink-perturb]</c> also shrinks it. Interventions that act at the same moment see each other's effects in
/// that order; parameterizations (spectral normalization) belong after interventions that rewrite their layer.
/// The catalogue lives in this namespace and, by idea, in <c>Parameterization</c> (weight clipping, normalize-and-project,
/// Parseval regularization), <c>Resets</c> (plasticity injection, layer-reset schedules, Hare and Tortoise) and
/// <c>Churn</c> (C-CHAIN); activations (CReLU, Fourier features) and heads (HL-Gauss) are part of the
/// <see cref="Networks.NetworkSpec"/>, and TRAC of the <see cref="Optimization.OptimizerOptions"/>.
/// </remarks>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(ResetSpec), "reset")]
[JsonDerivedType(typeof(OptimizerStateResetSpec), "optimizer-reset")]
[JsonDerivedType(typeof(ShrinkPerturbSpec), "shrink-perturb")]
[JsonDerivedType(typeof(ReDoSpec), "redo")]
[JsonDerivedType(typeof(ContinualBackpropSpec), "continual-backprop")]
[JsonDerivedType(typeof(L2InitSpec), "l2-init")]
[JsonDerivedType(typeof(WeightDecaySpec), "weight-decay")]
[JsonDerivedType(typeof(SamSpec), "sam")]
[JsonDerivedType(typeof(SpectralNormSpec), "spectral-norm")]
[JsonDerivedType(typeof(RandomWalkSpec), "random-walk")]
[JsonDerivedType(typeof(WeightClippingSpec), "weight-clipping")]
[JsonDerivedType(typeof(NormalizeAndProjectSpec), "normalize-and-project")]
[JsonDerivedType(typeof(ParsevalRegularizationSpec), "parseval")]
[JsonDerivedType(typeof(PlasticityInjectionSpec), "plasticity-injection")]
[JsonDerivedType(typeof(LayerResetSpec), "layer-reset")]
[JsonDerivedType(typeof(HareTortoiseSpec), "hare-tortoise")]
[JsonDerivedType(typeof(ChurnReductionSpec), "c-chain")]
public abstract record InterventionSpec
{
    /// <summary>When it acts.</summary>
    /// <remarks>Its period is a search parameter (<c>Timing.Period</c>); it matters only for the
    /// <see cref="InterventionTrigger.EveryNSteps"/> trigger, so leave it out of a search otherwise.</remarks>
    [NestOption]
    public InterventionTiming Timing { get; init; } = InterventionTiming.AtTaskBoundaries;

    /// <summary>A short human-readable name, such as "reset-last-1".</summary>
    [JsonIgnore]
    public abstract string DisplayName { get; }

    /// <summary>The hook that carries the intervention out in a trainer.</summary>
    public abstract TrainingHook CreateHook();

    /// <summary>Checks the settings and throws <see cref="ArgumentException"/> naming the bad field.</summary>
    public virtual void Validate() => Timing.Validate();
}

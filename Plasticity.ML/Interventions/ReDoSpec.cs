using System.Text.Json.Serialization;
using Plasticity.ML.Common;
using Plasticity.ML.Training;
using Plasticity.ML.Search;
using static TorchSharp.torch;

namespace Plasticity.ML.Interventions;

/// <summary>
/// ReDo (Sokar et al. 2023): every period, re-initialize the incoming weights of the tau-dormant units of the
/// hidden layers, zero their outgoing weights and the optimizer state of both (see <see cref="DormantUnits"/>).
/// Dormancy is measured on <see cref="Samples"/> observations the learner is learning from (the current task's
/// inputs, a replay buffer's observations; <see cref="TrainingContext.Observations"/>) drawn from a seeded stream.
/// Needs an optimizer whose state resets per row and column (<c>OptimizerImplementation.Plastic</c>) unless
/// <see cref="ResetOptimizerState"/> is false.
/// </summary>
/// <remarks>Known limit: a recycled unit keeps its normalization parameters (the LayerNorm or BatchNorm gain and
/// bias of its channel); only its incoming weights, bias, outgoing weights and their optimizer state are renewed
/// (see <see cref="UnitRecycling.Recycle"/>).</remarks>
public sealed record ReDoSpec : InterventionSpec
{
    /// <summary>Creates the spec with the reference's cadence: every 1,000 steps.</summary>
    public ReDoSpec() => Timing = InterventionTiming.Every(1000);

    /// <summary>Dormancy threshold tau on the normalized score (PAPER.md §8.5: 0.1).</summary>
    [Range(0.0, 0.5, 0.1)]
    public double Tau { get; init; } = 0.1;

    /// <summary>Observations (drawn with replacement) on which dormancy is measured.</summary>
    public int Samples { get; init; } = 256;

    /// <summary>Zero the optimizer state of the recycled weights (ReDo zeroes the Adam moments).</summary>
    [BooleanChoice(true)]
    public bool ResetOptimizerState { get; init; } = true;

    /// <inheritdoc />
    [JsonIgnore]
    public override string DisplayName => $"redo-{Tau:g3}";

    /// <inheritdoc />
    public override TrainingHook CreateHook() => new Hook(this);

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        if (!(Tau >= 0) || double.IsInfinity(Tau)) throw new ArgumentException($"{nameof(Tau)} must be finite and non-negative; got {Tau}.");
        if (Samples <= 0) throw new ArgumentException($"{nameof(Samples)} must be positive; got {Samples}.");
    }

    private sealed class Hook(ReDoSpec spec) : ScheduledInterventionHook(spec.Timing)
    {
        protected override void Act(TrainingContext context, int action)
        {
            var observations = context.Observations ?? throw new InvalidOperationException(
                "ReDo needs observations to measure dormancy on; the learner provides none (TrainingContext.Observations is null).");
            using var scope = NewDisposeScope();
            var sampler = SeedSequence.CreateRandom(context.Seed, "redo-samples", action);
            var inputs = observations.Sample(Math.Min(spec.Samples, observations.Count), sampler);
            DormantUnits.Recycle(context.Network, spec.ResetOptimizerState ? context.Optimizer : null, inputs, spec.Tau,
                SeedSequence.CreateRandom(context.Seed, "redo", action));
        }
    }
}

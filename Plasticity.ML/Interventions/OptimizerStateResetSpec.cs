using System.Text.Json.Serialization;
using Plasticity.ML.Training;

namespace Plasticity.ML.Interventions;

/// <summary>
/// Forgets all optimizer state (moments, momentum, step count) without touching the weights (Lyle et al. 2023,
/// App. B.1: "not helpful"). Works with every optimizer implementation.
/// </summary>
public sealed record OptimizerStateResetSpec : InterventionSpec
{
    /// <inheritdoc />
    [JsonIgnore]
    public override string DisplayName => "optimizer-reset";

    /// <inheritdoc />
    public override TrainingHook CreateHook() => new Hook(Timing);

    private sealed class Hook(InterventionTiming timing) : ScheduledInterventionHook(timing)
    {
        protected override void Act(TrainingContext context, int action) => context.Optimizer.ResetState();
    }
}

using System.Text.Json.Serialization;
using Plasticity.ML.Training;

namespace Plasticity.ML.Interventions.Churn;

/// <summary>
/// C-CHAIN, continual churn approximated reduction (Tang, Obando-Ceron, Castro, Courville and Berseth 2025,
/// "Mitigating plasticity loss in continual reinforcement learning by reducing churn", ICML; after Tang and Berseth
/// 2024, CHAIN): every update also penalizes the change of the network's outputs on a reference batch drawn apart from
/// the training batch, <c>lambda * mean ||f_theta(x_ref) - f_theta-(x_ref)||^2</c>, where theta- are the parameters
/// before the previous update. Churn, the change an update makes to outputs it was not trained on, accumulates into the
/// collapse of the empirical NTK that comes with plasticity loss; reducing it keeps the gradients of different inputs
/// apart. See <see cref="ChurnReductionHook"/>.
/// </summary>
/// <remarks>
/// <para>The coefficient follows the reference code: <see cref="InitialCoefficient"/> at first, then, from update
/// <see cref="AdaptAfterSteps"/> on, <c>lambda = TargetRelativeScale * mean|L_task| / (mean L_churn + 1e-8)</c> over the
/// last <see cref="Window"/> updates, so the churn term stays a fixed fraction of the task loss.</para>
/// <para>The outputs compared are the decoded predictions (values, logits, or a categorical head's expectation). The
/// reference batch is drawn from <see cref="TrainingContext.Observations"/> (a replay buffer in RL, the task's inputs in
/// supervised learning), <see cref="ReferenceBatch"/> observations per update (0: the training batch's size). The
/// statistics panel's <c>churn</c> measures the same quantity as a diagnostic (<see cref="Diagnostics.StatisticsPanelOptions.Churn"/>).</para>
/// </remarks>
public sealed record ChurnReductionSpec : InterventionSpec
{
    /// <summary>Creates the spec, acting in every step.</summary>
    public ChurnReductionSpec() => Timing = InterventionTiming.EveryStep;

    /// <summary>Observations per reference batch; 0 uses the size of each step's training batch.</summary>
    public int ReferenceBatch { get; init; }

    /// <summary>lambda before the adaptation starts (the reference code's 50).</summary>
    public double InitialCoefficient { get; init; } = 50;

    /// <summary>Adapt lambda so that the churn term is this fraction of the task loss (the reference code's 0.01).</summary>
    public double TargetRelativeScale { get; init; } = 0.01;

    /// <summary>The update from which lambda adapts (the reference code's 10,000); 0 adapts from the first update.</summary>
    public int AdaptAfterSteps { get; init; } = 10_000;

    /// <summary>Updates whose losses the adaptive lambda averages (the reference code's 50,000).</summary>
    public int Window { get; init; } = 50_000;

    /// <inheritdoc />
    [JsonIgnore]
    public override string DisplayName => "c-chain";

    /// <inheritdoc />
    public override TrainingHook CreateHook() => new ChurnReductionHook(this);

    /// <inheritdoc />
    public override void Validate()
    {
        if (Timing.Trigger != InterventionTrigger.EveryStep)
            throw new ArgumentException($"C-CHAIN regularizes every update; its {nameof(Timing)} must be {nameof(InterventionTrigger.EveryStep)}.");
        if (ReferenceBatch < 0) throw new ArgumentException($"{nameof(ReferenceBatch)} must be non-negative; got {ReferenceBatch}.");
        if (!(InitialCoefficient >= 0) || double.IsInfinity(InitialCoefficient))
            throw new ArgumentException($"{nameof(InitialCoefficient)} must be finite and non-negative; got {InitialCoefficient}.");
        if (!(TargetRelativeScale >= 0) || double.IsInfinity(TargetRelativeScale))
            throw new ArgumentException($"{nameof(TargetRelativeScale)} must be finite and non-negative; got {TargetRelativeScale}.");
        if (AdaptAfterSteps < 0) throw new ArgumentException($"{nameof(AdaptAfterSteps)} must be non-negative; got {AdaptAfterSteps}.");
        if (Window <= 0) throw new ArgumentException($"{nameof(Window)} must be positive; got {Window}.");
    }
}

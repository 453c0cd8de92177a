using System.Text.Json.Serialization;
using Plasticity.ML.Training;

namespace Plasticity.ML.Interventions.Resets;

/// <summary>
/// Hare and Tortoise (Lee, Cho, Kim, Kim, Min, Choo and Lyle 2024, "Slow and steady wins the race: maintaining
/// plasticity with Hare and Tortoise networks", ICML): the network being trained is the fast "hare"; a slow "tortoise"
/// copy follows it as an exponential moving average, <c>tortoise &lt;- m tortoise + (1 - m) hare</c> after every step,
/// and whenever the <see cref="InterventionSpec.Timing"/> acts (by default at every task boundary) the hare is
/// re-initialized to the tortoise's weights, so it starts each period from consolidated knowledge instead of its own
/// over-fitted state or a blank initialization. See <see cref="HareTortoiseHook"/>.
/// </summary>
/// <remarks>
/// The hare is the network every learner trains, predicts with and probes; the tortoise lives in the hook (its weights
/// are checkpointed with the run). Only parameters are averaged; normalization statistics (BatchNorm buffers) stay the
/// hare's. The optimizer state is kept at a reset unless <see cref="ResetOptimizerState"/> says otherwise.
/// </remarks>
public sealed record HareTortoiseSpec : InterventionSpec
{
    /// <summary>m: how much of the tortoise each step keeps (1 - m of the hare is mixed in).</summary>
    public double Momentum { get; init; } = 0.999;

    /// <summary>Forget the optimizer state when the hare is reset to the tortoise.</summary>
    public bool ResetOptimizerState { get; init; }

    /// <inheritdoc />
    [JsonIgnore]
    public override string DisplayName => $"hare-tortoise-{Momentum:g4}";

    /// <inheritdoc />
    public override TrainingHook CreateHook() => new HareTortoiseHook(this);

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        if (!(Momentum >= 0 && Momentum < 1)) throw new ArgumentException($"{nameof(Momentum)} must lie in [0, 1); got {Momentum}.");
    }
}

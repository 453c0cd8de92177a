using System.Text.Json.Serialization;
using Plasticity.ML.Training;
using Plasticity.ML.Search;

namespace Plasticity.ML.Interventions;

/// <summary>
/// Continual backprop (Dohare et al. 2024): every step each hidden unit's contribution utility is updated as
/// <c>u &lt;- eta * u + (1 - eta) * mean|h| * sum|w_out|</c> and its age grows by one; when the
/// <see cref="InterventionSpec.Timing"/> acts (every step by default), a fraction <see cref="ReplacementRate"/>
/// of the mature units (age &gt; <see cref="MaturityThreshold"/>) with the lowest bias-corrected utility
/// <c>u / (1 - eta^age)</c> (as the reference code ranks them) are replaced: fresh incoming weights, zero outgoing
/// weights, zero optimizer state, age and utility 0. Fractional counts accumulate across steps as in the reference code.
/// See <see cref="ContinualBackpropHook"/>. With an activation of two outputs per unit (CReLU, Fourier features) mean|h|
/// sums the unit's two outputs and sum|w_out| the columns of both.
/// </summary>
/// <remarks>Known limit: a recycled unit keeps its normalization parameters (the LayerNorm or BatchNorm gain and
/// bias of its channel); only its incoming weights, bias, outgoing weights and their optimizer state are renewed
/// (see <see cref="UnitRecycling.Recycle"/>).</remarks>
public sealed record ContinualBackpropSpec : InterventionSpec
{
    /// <summary>Creates the spec, acting in every step.</summary>
    public ContinualBackpropSpec() => Timing = InterventionTiming.EveryStep;

    /// <summary>Replacement rate rho: fraction of the mature units replaced per action (PAPER.md §8.5: 1e-4).</summary>
    [Range(1e-7, 1e-2, 1e-4, logBase: true)]
    public double ReplacementRate { get; init; } = 1e-4;

    /// <summary>Maturity threshold m: units younger than or exactly this many steps are never replaced.</summary>
    [Range(10, 10_000, 100, logBase: true)]
    public int MaturityThreshold { get; init; } = 100;

    /// <summary>Decay eta of the running utility.</summary>
    [Range(0.9, 0.999, 0.99)]
    public double Decay { get; init; } = 0.99;

    /// <summary>Zero the optimizer state of the replaced units' weights.</summary>
    [BooleanChoice(true)]
    public bool ResetOptimizerState { get; init; } = true;

    /// <inheritdoc />
    [JsonIgnore]
    public override string DisplayName => $"cbp-{ReplacementRate:g3}";

    /// <inheritdoc />
    public override TrainingHook CreateHook() => new ContinualBackpropHook(this);

    /// <inheritdoc />
    public override void Validate()
    {
        StepwiseTiming.Validate(Timing, "Continual backprop");
        if (!(ReplacementRate >= 0 && ReplacementRate <= 1)) throw new ArgumentException($"{nameof(ReplacementRate)} must lie in [0, 1]; got {ReplacementRate}.");
        if (MaturityThreshold < 0) throw new ArgumentException($"{nameof(MaturityThreshold)} must be non-negative; got {MaturityThreshold}.");
        if (!(Decay >= 0 && Decay < 1)) throw new ArgumentException($"{nameof(Decay)} must lie in [0, 1); got {Decay}.");
    }
}

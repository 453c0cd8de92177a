using System.Text.Json.Serialization;
using Plasticity.ML.Common;
using Plasticity.ML.Training;
using Plasticity.ML.Search;

namespace Plasticity.ML.Interventions;

/// <summary>
/// Shrink &amp; perturb (see <see cref="ShrinkPerturb"/>) at each task boundary by default (the paper applies it at
/// every target update). Defaults follow PAPER.md §8.5: lambda = 0.8, sigma = 0.01 (inferred; Ash &amp; Adams used
/// 0.6 and 0.01). The optimizer state is kept.
/// </summary>
public sealed record ShrinkPerturbSpec : InterventionSpec
{
    /// <summary>Shrink factor lambda.</summary>
    [Range(0.1, 1.0, 0.8)]
    public double Lambda { get; init; } = 0.8;

    /// <summary>Scale sigma of the fresh initialization added.</summary>
    [Range(1e-5, 1e-1, 1e-2, logBase: true)]
    public double Sigma { get; init; } = 0.01;

    /// <inheritdoc />
    [JsonIgnore]
    public override string DisplayName => $"shrink-perturb-{Lambda:g3}-{Sigma:g3}";

    /// <inheritdoc />
    public override TrainingHook CreateHook() => new Hook(this);

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        if (!(Lambda >= 0) || double.IsInfinity(Lambda)) throw new ArgumentException($"{nameof(Lambda)} must be finite and non-negative; got {Lambda}.");
        if (!(Sigma >= 0) || double.IsInfinity(Sigma)) throw new ArgumentException($"{nameof(Sigma)} must be finite and non-negative; got {Sigma}.");
    }

    private sealed class Hook(ShrinkPerturbSpec spec) : ScheduledInterventionHook(spec.Timing)
    {
        protected override void Act(TrainingContext context, int action) =>
            ShrinkPerturb.Apply(context.Network, spec.Lambda, spec.Sigma, SeedSequence.CreateRandom(context.Seed, "shrink-perturb", action));
    }
}

using System.Text.Json.Serialization;
using Plasticity.ML.Training;

namespace Plasticity.ML.Interventions;

/// <summary>
/// Spectral normalization of one layer (Miyato et al. 2018; the paper normalizes the first linear layer, after
/// Gogianu et al. 2021): the layer computes with <c>W = W_raw / sigma_max(W_raw)</c>, sigma_max estimated by power
/// iteration each step, and the optimizer updates <c>W_raw</c>. See <see cref="SpectralNormHook"/> for how the
/// reparameterization is carried out inside a hook. Acts in every step (it is a parameterization).
/// </summary>
public sealed record SpectralNormSpec : InterventionSpec
{
    /// <summary>Creates the spec, acting in every step.</summary>
    public SpectralNormSpec() => Timing = InterventionTiming.EveryStep;

    /// <summary>Index into <c>PlasticNetwork.ParameterLayers</c>; null picks the first fully connected layer.</summary>
    public int? Layer { get; init; }

    /// <summary>Power iterations per step (one suffices once the vectors have converged; 15 are run at the start).</summary>
    public int PowerIterations { get; init; } = 1;

    /// <inheritdoc />
    [JsonIgnore]
    public override string DisplayName => Layer is null ? "spectral-norm" : $"spectral-norm-{Layer}";

    /// <inheritdoc />
    public override TrainingHook CreateHook() => new SpectralNormHook(this);

    /// <inheritdoc />
    public override void Validate()
    {
        Timing.Validate();
        if (Timing.Trigger != InterventionTrigger.EveryStep)
            throw new ArgumentException($"Spectral normalization is a parameterization and acts in every step; its {nameof(Timing)} must be {nameof(InterventionTrigger.EveryStep)}.");
        if (Layer < 0) throw new ArgumentException($"{nameof(Layer)} must be non-negative; got {Layer}.");
        if (PowerIterations <= 0) throw new ArgumentException($"{nameof(PowerIterations)} must be positive; got {PowerIterations}.");
    }
}

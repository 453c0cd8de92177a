using System.Text.Json.Serialization;
using Plasticity.ML.Networks;
using Plasticity.ML.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Plasticity.ML.Interventions.Parameterization;

/// <summary>
/// Weight clipping (Elsayed, Lan, Lyle and Mahmood 2024, "Weight clipping for deep continual and reinforcement
/// learning", RLC): after every optimizer step, each weight and bias of each linear or convolution layer is clamped to
/// <c>[-kappa b, kappa b]</c>, where b is the bound of that layer's initial distribution U(-b, b) (here
/// <c>1 / sqrt(fan_in)</c>, see <see cref="ParameterInitializer.Bound"/>). Weights then cannot grow far from the region
/// they were initialized in, which keeps units from saturating or dying through large weights. Normalization parameters
/// are not clipped (their initialization is a constant, with no bound to scale).
/// </summary>
/// <remarks>A parameterization: it also acts in the plasticity probe's copies (<see cref="TrainingHook.CreateProbeHook"/>).</remarks>
public sealed record WeightClippingSpec : InterventionSpec
{
    /// <summary>Creates the spec, acting after every step.</summary>
    public WeightClippingSpec() => Timing = InterventionTiming.EveryStep;

    /// <summary>kappa: the clipping range in multiples of the initialization bound (the paper sweeps 1 to 4; 2 is a common choice).</summary>
    public double Kappa { get; init; } = 2.0;

    /// <summary>Also clip the output layer (the reference implementation's default).</summary>
    public bool ClipOutputLayer { get; init; } = true;

    /// <inheritdoc />
    [JsonIgnore]
    public override string DisplayName => $"weight-clipping-{Kappa:g3}";

    /// <inheritdoc />
    public override TrainingHook CreateHook() => new Hook(this);

    /// <inheritdoc />
    public override void Validate()
    {
        StepwiseTiming.Validate(Timing, "Weight clipping");
        if (!(Kappa > 0) || double.IsInfinity(Kappa)) throw new ArgumentException($"{nameof(Kappa)} must be finite and positive; got {Kappa}.");
    }

    /// <summary>Clamps the weights and biases of <paramref name="network"/>'s affine layers to kappa times their initialization bound.</summary>
    public static void Clip(PlasticNetwork network, double kappa, bool clipOutputLayer = true)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (!(kappa > 0) || double.IsInfinity(kappa)) throw new ArgumentOutOfRangeException(nameof(kappa), kappa, "kappa must be finite and positive.");
        using var noGrad = no_grad();
        int layer = 0;
        foreach (var (weight, bias) in ShrinkPerturb.AffineParameters(network))
        {
            bool output = layer++ == network.HiddenLayers.Count;
            if (output && !clipOutputLayer) continue;
            double limit = kappa * ParameterInitializer.Bound(weight);
            using var low = (-limit).ToScalar();
            using var high = limit.ToScalar();
            weight.clamp_(low, high);
            bias?.clamp_(low, high);
        }
    }

    private sealed class Hook(WeightClippingSpec spec) : TrainingHook
    {
        public override void AfterStep(TrainingContext context)
        {
            if (spec.Timing.ActsAfterStep(context.GlobalStep)) Clip(context.Network, spec.Kappa, spec.ClipOutputLayer);
        }

        public override TrainingHook CreateProbeHook() => new Hook(spec);
    }
}

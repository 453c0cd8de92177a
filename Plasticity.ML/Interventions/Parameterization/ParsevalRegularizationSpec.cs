using System.Text.Json.Serialization;
using Plasticity.ML.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Plasticity.ML.Interventions.Parameterization;

/// <summary>
/// Parseval regularization (Chung, Cherif, Meger and Precup 2024, "Parseval regularization for continual
/// reinforcement learning", NeurIPS; arXiv 2412.07224): adds
/// <c>lambda * sum_l ||W_l W_l^T - s I||_F^2</c> to the loss over the hidden layers' weights (a convolution kernel as the
/// matrix <c>[out, in * k * k]</c>), keeping each layer's rows near-orthogonal with squared norm s, so its singular
/// values stay near sqrt(s): gradients neither vanish nor explode through it and its features stay diverse. The
/// gradient on W_l is <c>4 lambda (W_l W_l^T - s I) W_l</c>. The output layer is not regularized (as in the paper).
/// </summary>
/// <remarks>A parameterization constraint: it also acts in the plasticity probe's copies.</remarks>
public sealed record ParsevalRegularizationSpec : InterventionSpec
{
    private static readonly Scalar One = 1.0.ToScalar();
    private static readonly Scalar MinusOne = (-1.0).ToScalar();

    /// <summary>Creates the spec, acting in every step.</summary>
    public ParsevalRegularizationSpec() => Timing = InterventionTiming.EveryStep;

    /// <summary>The coefficient lambda (1e-3 in the paper's and Plasticine's defaults).</summary>
    public double Lambda { get; init; } = 1e-3;

    /// <summary>The target scale s of <c>W W^T</c> (1: orthonormal rows).</summary>
    public double Scale { get; init; } = 1.0;

    /// <inheritdoc />
    [JsonIgnore]
    public override string DisplayName => $"parseval-{Lambda:g3}";

    /// <inheritdoc />
    public override TrainingHook CreateHook() => new Hook(this);

    /// <inheritdoc />
    public override void Validate()
    {
        StepwiseTiming.Validate(Timing, "Parseval regularization");
        if (!(Lambda >= 0) || double.IsInfinity(Lambda)) throw new ArgumentException($"{nameof(Lambda)} must be finite and non-negative; got {Lambda}.");
        if (!(Scale > 0) || double.IsInfinity(Scale)) throw new ArgumentException($"{nameof(Scale)} must be finite and positive; got {Scale}.");
    }

    /// <summary>
    /// The penalty <c>lambda * sum_l ||W_l W_l^T - s I||_F^2</c> over the hidden layers of <paramref name="network"/>, as a
    /// scalar tensor in the weights' graph (it belongs to the caller's dispose scope).
    /// </summary>
    public static Tensor Penalty(Networks.PlasticNetwork network, double lambda, double scale)
    {
        ArgumentNullException.ThrowIfNull(network);
        using var scope = NewDisposeScope();
        using var s = scale.ToScalar();
        using var coefficient = lambda.ToScalar();
        Tensor? sum = null;
        foreach (var layer in network.HiddenLayers)
        {
            var w = layer.Weight.view(layer.Weight.shape[0], -1);
            var gram = w.matmul(w.t());
            var target = eye(gram.shape[0], dtype: gram.dtype, device: gram.device).mul(s);
            var difference = gram.add(target, MinusOne);
            var term = (difference * difference).sum();
            sum = sum is null ? term : sum.add(term, One);
        }
        var penalty = sum is null ? zeros(1, dtype: network.OutputLayer.weight!.dtype).sum() : sum;
        return penalty.mul(coefficient).MoveToOuterDisposeScope();
    }

    private sealed class Hook(ParsevalRegularizationSpec spec) : TrainingHook
    {
        public override Tensor? AdditionalLoss(TrainingContext context) =>
            StepwiseTiming.ActsInStep(spec.Timing, context.GlobalStep) ? Penalty(context.Network, spec.Lambda, spec.Scale) : null;

        public override TrainingHook CreateProbeHook() => new Hook(spec);
    }
}

using Plasticity.ML.Common;
using Plasticity.ML.Networks;
using static TorchSharp.torch;

namespace Plasticity.ML.Diagnostics;

/// <summary>
/// The effective learning rate of the scale-invariant layers (Lyle et al. 2024, "Normalization and effective learning
/// rates in reinforcement learning"; van Laarhoven 2017): a hidden layer followed by normalization computes the same
/// function for W and cW, so a step changes its direction by about <c>lr ||g|| / ||W||</c> with <c>||g|| ~ 1 / ||W||</c>:
/// <c>ELR = lr / ||W||_F^2</c>. As the weight norm grows in continual training the effective learning rate decays, which
/// normalize-and-project prevents by holding ||W|| fixed.
/// </summary>
/// <remarks>
/// This is the form for SGD. Adam's steps do not scale with the gradient, so its angular step falls as <c>lr / ||W||</c>;
/// the reported value still moves with the weight norm in the same direction and holds constant under NaP.
/// </remarks>
public static class EffectiveLearningRate
{
    /// <summary>
    /// <c>lr / ||W_l||_F^2</c> for every hidden layer that has normalization, NaN for the others (their function does
    /// depend on the weight's scale, so this rate means nothing there).
    /// </summary>
    public static double[] PerLayer(PlasticNetwork network, double learningRate)
    {
        ArgumentNullException.ThrowIfNull(network);
        if (!(learningRate > 0) || !double.IsFinite(learningRate))
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "The learning rate must be finite and positive.");
        using var noGrad = no_grad();
        return network.HiddenLayers.Select(layer =>
        {
            if (layer.Norm is null) return double.NaN;
            return learningRate / layer.Weight.SquaredNorm();
        }).ToArray();
    }
}

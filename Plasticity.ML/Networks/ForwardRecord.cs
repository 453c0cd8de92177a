using static TorchSharp.torch;

namespace Plasticity.ML.Networks;

/// <summary>
/// What one recorded pass of <see cref="PlasticNetwork"/> computed, per layer in forward order. The tensors belong to
/// the dispose scope the pass ran in.
/// </summary>
internal sealed class ForwardRecord
{
    /// <summary>Each layer's input (flattened for a linear layer).</summary>
    public List<Tensor> Inputs { get; } = [];

    /// <summary>Each layer's affine output, before normalization.</summary>
    public List<Tensor> AffineOutputs { get; } = [];

    /// <summary>Each layer's normalization output, or null without normalization.</summary>
    public List<Tensor?> NormOutputs { get; } = [];

    /// <summary>Each hidden layer's activation (the output layer has none).</summary>
    public List<Tensor> Activations { get; } = [];

    /// <summary>The input of the activation of hidden layer <paramref name="layer"/>: the normalization output, else the affine output.</summary>
    public Tensor PreActivation(int layer) => NormOutputs[layer] ?? AffineOutputs[layer];
}

using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Plasticity.ML.Networks;

/// <summary>
/// One hidden layer: an affine map (linear, or a convolution as the spec sets it), optional normalization, then the
/// activation. The pre-activation (after normalization) is exposed because dead, dormant and linearized units
/// are defined on it.
/// </summary>
public sealed class HiddenLayer : nn.Module<Tensor, Tensor>
{
    private readonly ActivationKind activation;

    internal HiddenLayer(string name, nn.Module<Tensor, Tensor> affine, nn.Module<Tensor, Tensor>? norm, ActivationKind activation, bool isConvolution, int units)
        : base(name)
    {
        Affine = affine;
        Norm = norm;
        this.activation = activation;
        IsConvolution = isConvolution;
        Units = units;
        register_module("affine", affine);
        if (norm is not null) register_module("norm", norm);
    }

    /// <summary>The linear or convolution module.</summary>
    public nn.Module<Tensor, Tensor> Affine { get; }

    /// <summary>The normalization module, or null.</summary>
    public nn.Module<Tensor, Tensor>? Norm { get; }

    /// <summary>True for a convolution layer (units are channels).</summary>
    public bool IsConvolution { get; }

    /// <summary>Number of units: output features, or output channels of a convolution.</summary>
    public int Units { get; }

    /// <summary>The weight: [units, inputs] for a linear layer, [units, in, k, k] for a convolution.</summary>
    public Parameter Weight => Affine switch
    {
        Linear l => l.weight!,
        Conv2d c => c.weight!,
        _ => throw new InvalidOperationException("Unknown affine module."),
    };

    /// <summary>The bias, [units].</summary>
    public Parameter? Bias => Affine switch
    {
        Linear l => l.bias,
        Conv2d c => c.bias,
        _ => null,
    };

    /// <summary>The affine map followed by normalization, before the activation.</summary>
    public Tensor PreActivation(Tensor input)
    {
        var affine = Affine.forward(input);
        if (Norm is null) return affine;
        var normalized = Norm.forward(affine);
        affine.Dispose();
        return normalized;
    }

    /// <summary>Applies this layer's activation to a pre-activation.</summary>
    public Tensor Activate(Tensor preActivation) => activation switch
    {
        ActivationKind.ReLU => nn.functional.relu(preActivation),
        ActivationKind.LeakyReLU => nn.functional.leaky_relu(preActivation, 0.01),
        ActivationKind.Tanh => preActivation.tanh(),
        ActivationKind.Gelu => nn.functional.gelu(preActivation),
        ActivationKind.Sigmoid => preActivation.sigmoid(),
        _ => throw new InvalidOperationException($"Unknown activation {activation}."),
    };

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var pre = PreActivation(input);
        return Activate(pre);
    }
}

using TorchSharp;
using TorchSharp.Modules;
using Plasticity.ML.Common;
using static TorchSharp.torch;

namespace Plasticity.ML.Networks;

/// <summary>
/// One hidden layer: an affine map (linear, or a convolution as the spec sets it), optional normalization, then the
/// activation. The pre-activation (after normalization) is exposed because dead, dormant and linearized units
/// are defined on it. An activation may emit several outputs per unit (<see cref="ActivationKind.CReLU"/>,
/// <see cref="ActivationKind.Fourier"/>): the layer then has <see cref="Outputs"/> = <see cref="Units"/> x
/// <see cref="OutputsPerUnit"/> outputs, and the next layer reads all of them.
/// </summary>
public sealed class HiddenLayer : nn.Module<Tensor, Tensor>
{
    /// <summary>The LeakyReLU slope; static, so never finalized while libtorch reads it (see <see cref="Scalars"/>).</summary>
    private static readonly Scalar LeakySlope = 0.01.ToScalar();

    private readonly ActivationKind activation;

    /// <summary>The layer is a convolution reading a mostly-zero network input (<see cref="NetworkSpec.SparseInput"/>).
    /// A flag, not a second reference to the module: TorchSharp registers module-typed fields as submodules.</summary>
    private readonly bool sparseInput;

    internal HiddenLayer(string name, nn.Module<Tensor, Tensor> affine, nn.Module<Tensor, Tensor>? norm, ActivationKind activation, bool isConvolution, int units,
        bool sparseInput = false)
        : base(name)
    {
        this.sparseInput = sparseInput && affine is Conv2d;
        Affine = affine;
        Norm = norm;
        this.activation = activation;
        IsConvolution = isConvolution;
        Units = units;
        OutputsPerUnit = activation.OutputsPerUnit();
        register_module("affine", affine);
        if (norm is not null) register_module("norm", norm);
    }

    /// <summary>The linear or convolution module.</summary>
    public nn.Module<Tensor, Tensor> Affine { get; }

    /// <summary>The normalization module, or null.</summary>
    public nn.Module<Tensor, Tensor>? Norm { get; }

    /// <summary>True for a convolution layer (units are channels).</summary>
    public bool IsConvolution { get; }

    /// <summary>Number of units: features (or channels of a convolution) of the affine map, i.e. of the pre-activation.</summary>
    public int Units { get; }

    /// <summary>The activation of this layer.</summary>
    public ActivationKind Activation => activation;

    /// <summary>Outputs each unit emits (2 for CReLU and Fourier features, else 1); see <see cref="ActivationKindExtensions.OutputsPerUnit"/>.</summary>
    public int OutputsPerUnit { get; }

    /// <summary>Outputs of the layer (features, or channels of a convolution): <see cref="Units"/> x <see cref="OutputsPerUnit"/>.</summary>
    public int Outputs => Units * OutputsPerUnit;

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

    /// <summary>The affine map: <see cref="Affine"/>'s forward, or the same convolution as a scatter over a sparse input.</summary>
    public Tensor AffineMap(Tensor input) =>
        sparseInput && Affine is Conv2d conv && !LayerByLayerScope.IsActive && SparseInputConvolution.Applies(input, conv)
            ? SparseInputConvolution.Run(input, conv)
            : Affine.forward(input);

    /// <summary>The affine map followed by normalization, before the activation.</summary>
    public Tensor PreActivation(Tensor input)
    {
        var affine = AffineMap(input);
        var normalized = Normalize(affine);
        if (normalized is null) return affine;
        affine.Dispose();
        return normalized;
    }

    /// <summary>Runs the normalization on an affine output; null when the layer has no normalization.</summary>
    /// <remarks>
    /// Always normalize through this method, never through <c>Norm.forward</c>: TorchSharp's BatchNorm.forward counts
    /// batches in training mode with <c>num_batches_tracked.add_(1)</c>, a hidden Scalar that a collection on another
    /// thread can free while libtorch reads it (see BannedSymbols.txt). This runs the same computation with Scalars
    /// that stay alive.
    /// </remarks>
    public Tensor? Normalize(Tensor affineOutput) => Norm switch
    {
        null => null,
        BatchNorm batchNorm => BatchNormForward(batchNorm, affineOutput),
        _ => Norm.forward(affineOutput),
    };

    /// <summary>TorchSharp 0.107's BatchNorm.forward, step for step, without its hidden Scalar.</summary>
    private static Tensor BatchNormForward(BatchNorm norm, Tensor input)
    {
        double averagingFactor = norm.momentum ?? 0.0;
        if (norm.training && norm.track_running_stats && norm.num_batches_tracked is not null)
        {
            norm.num_batches_tracked.add_(Scalars.One, Scalars.One);
            if (norm.momentum is null) averagingFactor = 1.0 / norm.num_batches_tracked.item<long>();
        }
        bool batchStatistics = norm.training || (norm.running_mean is null && norm.running_var is null);
        bool useRunning = !norm.training || norm.track_running_stats;
        return nn.functional.batch_norm(input, useRunning ? norm.running_mean : null, useRunning ? norm.running_var : null,
            norm.weight, norm.bias, batchStatistics, averagingFactor, norm.eps);
    }

    /// <summary>Applies this layer's activation to a pre-activation.</summary>
    public Tensor Activate(Tensor preActivation) => activation switch
    {
        ActivationKind.ReLU => nn.functional.relu(preActivation),
        ActivationKind.LeakyReLU => preActivation.leaky_relu(LeakySlope),
        ActivationKind.Tanh => preActivation.tanh(),
        ActivationKind.Gelu => nn.functional.gelu(preActivation),
        ActivationKind.Sigmoid => preActivation.sigmoid(),
        ActivationKind.CReLU => ConcatenatedReLU(preActivation),
        ActivationKind.Fourier => FourierFeatures(preActivation),
        _ => throw new InvalidOperationException($"Unknown activation {activation}."),
    };

    /// <summary><c>[relu(x), relu(-x)]</c> along the unit dimension (dimension 1, features or channels).</summary>
    private static Tensor ConcatenatedReLU(Tensor x)
    {
        using var positive = nn.functional.relu(x);
        using var negated = x.neg();
        using var negative = nn.functional.relu(negated);
        return cat([positive, negative], 1);
    }

    /// <summary><c>[sin(x), cos(x)]</c> along the unit dimension (dimension 1, features or channels).</summary>
    private static Tensor FourierFeatures(Tensor x)
    {
        using var sine = x.sin();
        using var cosine = x.cos();
        return cat([sine, cosine], 1);
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var pre = PreActivation(input);
        return Activate(pre);
    }
}

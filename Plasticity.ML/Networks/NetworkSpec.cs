using System.Text.Json.Serialization;
using Plasticity.ML.Search;

namespace Plasticity.ML.Networks;

/// <summary>The family of network body.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<NetworkArchitecture>))]
public enum NetworkArchitecture
{
    /// <summary>Fully connected layers over the flattened input.</summary>
    Mlp,

    /// <summary>Convolution blocks (3x3, stride 2, padding 1 unless <see cref="NetworkSpec.ConvKernels"/>,
    /// <see cref="NetworkSpec.ConvStrides"/> and <see cref="NetworkSpec.ConvPaddings"/> say otherwise) followed by fully
    /// connected layers.</summary>
    Cnn,
}

/// <summary>The nonlinearity applied after every hidden layer.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ActivationKind>))]
public enum ActivationKind
{
    /// <summary>max(0, x): the paper's default, and the one whose units can die.</summary>
    ReLU,

    /// <summary>Leaky ReLU with slope 0.01 for negative inputs.</summary>
    LeakyReLU,

    /// <summary>Hyperbolic tangent.</summary>
    Tanh,

    /// <summary>Gaussian error linear unit.</summary>
    Gelu,

    /// <summary>Logistic sigmoid.</summary>
    Sigmoid,

    /// <summary>
    /// Concatenated ReLU, <c>[relu(x), relu(-x)]</c> (Shang et al. 2016; proposed against plasticity loss by Abbas et
    /// al. 2023, "Loss of plasticity in continual deep reinforcement learning", CoLLAs): every unit emits two outputs,
    /// so a layer's output width doubles and the next layer's fan-in with it. A unit cannot die: one of its two outputs
    /// is non-zero unless its pre-activation is exactly 0.
    /// </summary>
    CReLU,

    /// <summary>
    /// Deep Fourier features, <c>[sin(x), cos(x)]</c> (Lewandowski, Schuurmans and Machado 2024, "Plastic learning with
    /// deep Fourier features", arXiv 2410.20634): every unit emits a sine and a cosine of its pre-activation, so, as
    /// with <see cref="CReLU"/>, a layer's output width doubles and the next layer's fan-in with it. The pair keeps a
    /// linear-like regime around every point, which is what the paper credits for the kept trainability.
    /// </summary>
    Fourier,
}

/// <summary>Normalization placed in every hidden layer, between the affine map and the activation.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<NormalizationKind>))]
public enum NormalizationKind
{
    /// <summary>No normalization.</summary>
    None,

    /// <summary>LayerNorm over the features of each sample (per channel-height-width map for conv layers).</summary>
    LayerNorm,

    /// <summary>BatchNorm over the batch (BatchNorm1d / BatchNorm2d).</summary>
    BatchNorm,
}

/// <summary>
/// A serializable description of a network: body, activation, normalization and output head.
/// <see cref="NetworkFactory.Create(NetworkSpec, long, TorchSharp.torch.Device?)"/> turns it into a module.
/// </summary>
public sealed record NetworkSpec
{
    /// <summary>Body family.</summary>
    public NetworkArchitecture Architecture { get; init; } = NetworkArchitecture.Mlp;

    /// <summary>Shape of one input sample: <c>[features]</c> for an MLP, <c>[channels, height, width]</c> for a CNN
    /// (an MLP also accepts an image shape and flattens it).</summary>
    public int[] InputShape { get; init; } = [784];

    /// <summary>Widths of the fully connected hidden layers (for a CNN: those after the convolutions).</summary>
    /// <remarks>Searched as one width for every hidden layer (the depth stays as given).</remarks>
    [Range(16, 2048, 256, logBase: true)]
    public int[] HiddenWidths { get; init; } = [256, 256];

    /// <summary>Output channels of each convolution block (CNN only). Kernel, stride and padding of each block come from
    /// <see cref="ConvKernels"/>, <see cref="ConvStrides"/> and <see cref="ConvPaddings"/> (3x3, stride 2, padding 1 by default).</summary>
    public int[] ConvChannels { get; init; } = [16, 32];

    /// <summary>Square kernel size of each convolution block, one per entry of <see cref="ConvChannels"/>; null for
    /// <see cref="DefaultConvKernel"/> in every block.</summary>
    public int[]? ConvKernels { get; init; }

    /// <summary>Stride of each convolution block, one per entry of <see cref="ConvChannels"/>; null for
    /// <see cref="DefaultConvStride"/> in every block.</summary>
    public int[]? ConvStrides { get; init; }

    /// <summary>Zero padding on each side of each convolution block, one per entry of <see cref="ConvChannels"/>; null
    /// for <see cref="DefaultConvPadding"/> in every block.</summary>
    public int[]? ConvPaddings { get; init; }

    /// <summary>
    /// The input is mostly zeros, like MinAtar's boolean object planes: the first convolution then runs as a scatter
    /// over the nonzero input cells (<c>SparseInputConvolution</c>), which for MinAtar costs a small fraction of
    /// libtorch's dense convolution. When every layer uses ReLU, the layers after it are fully connected and the
    /// normalization is none or LayerNorm (the MinAtar preset, with or without LayerNorm), the whole network runs as one
    /// fused pass with its own backward (<c>FusedSparseInputNetwork</c>). Only speed changes: outputs and gradients agree
    /// with the layer-by-layer network to float rounding. Applies to float32 CPU batches whose input gradient is not wanted; an MLP ignores it.
    /// Those backward passes give first derivatives only: differentiate a gradient again (double backward) inside
    /// <see cref="PlasticNetwork.LayerByLayer"/>, as the Hessian diagnostics do.
    /// </summary>
    public bool SparseInput { get; init; }

    /// <summary>The kernel size of a block when <see cref="ConvKernels"/> is null.</summary>
    public const int DefaultConvKernel = 3;

    /// <summary>The stride of a block when <see cref="ConvStrides"/> is null.</summary>
    public const int DefaultConvStride = 2;

    /// <summary>The padding of a block when <see cref="ConvPaddings"/> is null.</summary>
    public const int DefaultConvPadding = 1;

    /// <summary>Hidden activation.</summary>
    [Choice(new object[] { ActivationKind.ReLU, ActivationKind.LeakyReLU, ActivationKind.Tanh, ActivationKind.Gelu, ActivationKind.Sigmoid }, ActivationKind.ReLU)]
    public ActivationKind Activation { get; init; } = ActivationKind.ReLU;

    /// <summary>Normalization in every hidden layer, before the activation (PAPER.md §8.2).</summary>
    [Choice(new object[] { NormalizationKind.None, NormalizationKind.LayerNorm, NormalizationKind.BatchNorm }, NormalizationKind.None)]
    public NormalizationKind Normalization { get; init; } = NormalizationKind.None;

    /// <summary>The output head.</summary>
    [NestOption]
    public HeadSpec Head { get; init; } = new();

    /// <summary>Number of input features after flattening.</summary>
    [JsonIgnore]
    public int InputSize => InputShape.Aggregate(1, (a, b) => a * b);

    /// <summary>Kernel size, stride and padding of convolution block <paramref name="block"/> (counted from 0).</summary>
    public (int Kernel, int Stride, int Padding) Convolution(int block) =>
        (ConvKernels?[block] ?? DefaultConvKernel, ConvStrides?[block] ?? DefaultConvStride, ConvPaddings?[block] ?? DefaultConvPadding);

    /// <summary>
    /// The output shape <c>[channels, height, width]</c> of each convolution block, in order (empty for an MLP):
    /// <c>out = (in + 2 * padding - kernel) / stride + 1</c> per spatial dimension.
    /// </summary>
    public IReadOnlyList<int[]> ConvOutputShapes()
    {
        if (Architecture != NetworkArchitecture.Cnn) return [];
        var shapes = new List<int[]>(ConvChannels.Length);
        int height = InputShape[1], width = InputShape[2];
        for (int i = 0; i < ConvChannels.Length; i++)
        {
            var (kernel, stride, padding) = Convolution(i);
            height = (height + 2 * padding - kernel) / stride + 1;
            width = (width + 2 * padding - kernel) / stride + 1;
            shapes.Add([ConvChannels[i], height, width]);
        }
        return shapes;
    }

    /// <summary>Checks the spec and throws <see cref="ArgumentException"/> naming the first bad field.</summary>
    public void Validate()
    {
        if (InputShape is null || InputShape.Length == 0 || InputShape.Any(d => d <= 0))
            throw new ArgumentException($"{nameof(InputShape)} must be a non-empty list of positive sizes; got [{string.Join(", ", InputShape ?? [])}].");
        if (HiddenWidths is null || HiddenWidths.Any(w => w <= 0))
            throw new ArgumentException($"{nameof(HiddenWidths)} must hold positive widths; got [{string.Join(", ", HiddenWidths ?? [])}].");
        if (Architecture == NetworkArchitecture.Cnn)
        {
            if (InputShape.Length != 3)
                throw new ArgumentException($"A CNN needs {nameof(InputShape)} = [channels, height, width]; got [{string.Join(", ", InputShape)}].");
            if (ConvChannels is null || ConvChannels.Length == 0 || ConvChannels.Any(c => c <= 0))
                throw new ArgumentException($"{nameof(ConvChannels)} must hold at least one positive channel count for a CNN.");
            CheckPerBlock(ConvKernels, nameof(ConvKernels), 1);
            CheckPerBlock(ConvStrides, nameof(ConvStrides), 1);
            CheckPerBlock(ConvPaddings, nameof(ConvPaddings), 0);
            int height = InputShape[1], width = InputShape[2];
            for (int i = 0; i < ConvChannels.Length; i++)
            {
                var (kernel, stride, padding) = Convolution(i);
                if (kernel > height + 2 * padding || kernel > width + 2 * padding)
                    throw new ArgumentException(
                        $"Convolution {i} has a {kernel}x{kernel} kernel (padding {padding}) but its input is only {height}x{width}; " +
                        $"shrink {nameof(ConvKernels)} or grow {nameof(InputShape)} [{string.Join(", ", InputShape)}].");
                height = (height + 2 * padding - kernel) / stride + 1;
                width = (width + 2 * padding - kernel) / stride + 1;
            }
        }
        Head.Validate();
    }

    private void CheckPerBlock(int[]? values, string name, int minimum)
    {
        if (values is null) return;
        if (values.Length != ConvChannels.Length)
            throw new ArgumentException($"{name} must hold one value per convolution ({ConvChannels.Length}, as {nameof(ConvChannels)}); got [{string.Join(", ", values)}].");
        if (values.Any(v => v < minimum))
            throw new ArgumentException($"{name} must hold values of at least {minimum}; got [{string.Join(", ", values)}].");
    }
}

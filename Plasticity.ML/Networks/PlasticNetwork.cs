using Plasticity.ML.Common;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Plasticity.ML.Networks;

/// <summary>
/// A network built from a <see cref="NetworkSpec"/>: hidden layers (convolutions first for a CNN), then a
/// linear output layer. <see cref="nn.Module{T,TResult}.forward"/> returns the raw output (regression values,
/// class logits, or categorical logits flattened to <c>[N, Outputs * Bins]</c>); <see cref="Predict"/> decodes it.
/// Create instances with <see cref="NetworkFactory.Create(NetworkSpec, long, TorchSharp.torch.Device?)"/>.
/// </summary>
/// <remarks>
/// After <see cref="InjectPlasticity"/> the head also holds frozen parts (<see cref="Injection"/>), which are not
/// modules of this network: <c>parameters()</c> and <c>state_dict()</c> stay those of the trainable network.
/// </remarks>
public sealed class PlasticNetwork : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<HiddenLayer> hidden;
    private readonly HiddenLayer[] hiddenLayers;
    private readonly Linear output;
    private readonly int convolutionCount;
    private readonly CategoricalEncoding? categorical;

    /// <summary>The layers have the shape <see cref="FusedSparseInputNetwork"/> computes in one pass.</summary>
    private readonly bool fusible;

    private HeadInjection? injection;

    internal PlasticNetwork(NetworkSpec spec, long seed, IReadOnlyList<HiddenLayer> hiddenLayers, int convolutionCount, Linear output)
        : base("PlasticNetwork")
    {
        Spec = spec;
        Seed = seed;
        this.hiddenLayers = hiddenLayers.ToArray();
        hidden = nn.ModuleList(this.hiddenLayers);
        this.output = output;
        this.convolutionCount = convolutionCount;
        categorical = CategoricalEncoding.ForHead(spec.Head);
        fusible = spec.SparseInput && FusedSparseInputNetwork.Fits(this.hiddenLayers, output);
        register_module("hidden", hidden);
        register_module("output", output);
    }

    /// <summary>The spec this network was built from.</summary>
    public NetworkSpec Spec { get; }

    /// <summary>The seed its initial weights were drawn from.</summary>
    public long Seed { get; }

    /// <summary>Hidden layers in forward order.</summary>
    public IReadOnlyList<HiddenLayer> HiddenLayers => hiddenLayers;

    /// <summary>The output layer.</summary>
    public Linear OutputLayer => output;

    /// <summary>The encoding of a categorical head (two-hot or HL-Gauss), else null.</summary>
    public CategoricalEncoding? Categorical => categorical;

    /// <summary>The two-hot encoding of a two-hot head, else null.</summary>
    public TwoHotEncoding? TwoHot => categorical as TwoHotEncoding;

    /// <summary>The frozen parts of the head after <see cref="InjectPlasticity"/>, or null before any injection.</summary>
    public HeadInjection? Injection => injection;

    /// <summary>
    /// The layers that own parameters, in forward order: each hidden layer, then the output layer.
    /// "Reset the last k layers" counts from the end of this list.
    /// </summary>
    public IReadOnlyList<nn.Module> ParameterLayers => [.. hiddenLayers, output];

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return Run(input, null).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The penultimate features (the last hidden layer's output, flattened): <c>[N, width]</c>. After an injection these
    /// are the live (trainable) head's features.
    /// </summary>
    public Tensor Features(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = RunLayers(Shape(input), 0, hiddenLayers.Length, null);
        return (x.dim() > 2 ? x.flatten(1) : x).MoveToOuterDisposeScope();
    }

    /// <summary>Runs the network and keeps every hidden layer's pre-activation and activation (the live layers after an injection).</summary>
    public NetworkTrace Trace(Tensor input)
    {
        using var scope = NewDisposeScope();
        var record = new ForwardRecord();
        var raw = Run(input, record);
        var pre = Enumerable.Range(0, hidden.Count).Select(i => record.PreActivation(i).MoveToOuterDisposeScope()).ToList();
        var post = record.Activations.Select(t => t.MoveToOuterDisposeScope()).ToList();
        return new NetworkTrace(pre, post, raw.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// The raw output, recording every parameter layer (hidden layers, then the output layer) in <paramref name="record"/>:
    /// what per-example gradients are built from (<c>dL/dW_i = delta_i a_i'</c>). The recorded tensors belong to the
    /// caller's dispose scope.
    /// </summary>
    internal Tensor ForwardRecording(Tensor input, ForwardRecord record) => Run(input, record);

    /// <summary>True when a forward pass of <paramref name="input"/> runs fused (<see cref="FusedSparseInputNetwork"/>), so
    /// that <see cref="StartFusedPass"/> can be used.</summary>
    internal bool RunsFused(Tensor input)
    {
        if (!fusible || injection is not null) return false;
        using var shaped = Shape(input);
        return FusedSparseInputNetwork.Applies(hiddenLayers, output, shaped);
    }

    /// <summary>
    /// The fused forward pass of <paramref name="input"/> outside autograd, keeping its activations for a backward pass
    /// by hand (<see cref="FusedSparseInputNetwork.Pass.AddGradients"/>). Call only when <see cref="RunsFused"/> holds.
    /// </summary>
    internal FusedSparseInputNetwork.Pass StartFusedPass(Tensor input)
    {
        if (!RunsFused(input)) throw new InvalidOperationException("This network or input does not run fused; check RunsFused first.");
        using var shaped = Shape(input);
        return FusedSparseInputNetwork.Start(hiddenLayers, output, shaped);
    }

    /// <summary>
    /// Runs parameter layers from <paramref name="firstLayer"/> to the output on <paramref name="z"/>, the output of the
    /// layers before it (unflattened after a convolution): the head's raw output. Used for the frozen heads of an injection.
    /// </summary>
    internal Tensor RunHead(int firstLayer, Tensor z) => RunLayers(z, firstLayer, hiddenLayers.Length + 1, null);

    /// <summary>The raw output: the body, the (live) head, and the injection's frozen terms when there are any. A network
    /// of MinAtar's shape without a record or an injection runs as one fused pass (<see cref="FusedSparseInputNetwork"/>).</summary>
    private Tensor Run(Tensor input, ForwardRecord? record)
    {
        var shaped = Shape(input);
        if (fusible && record is null && injection is null && FusedSparseInputNetwork.Applies(hiddenLayers, output, shaped))
            return FusedSparseInputNetwork.Run(hiddenLayers, output, shaped);
        int headStart = injection?.FirstLayer ?? hiddenLayers.Length + 1;
        var z = RunLayers(shaped, 0, Math.Min(headStart, hiddenLayers.Length + 1), record);
        if (injection is null) return z;
        var live = RunLayers(z, headStart, hiddenLayers.Length + 1, record);
        return injection.Combine(z, live, training);
    }

    /// <summary>
    /// Parameter layers <c>[from, to)</c> on <paramref name="x"/>: a hidden layer's activation, or, when the output layer
    /// is included, the raw output. A linear layer flattens a convolution's output first. Without a record each layer
    /// releases its intermediates as it goes; with one, they are kept in it.
    /// </summary>
    private Tensor RunLayers(Tensor x, int from, int to, ForwardRecord? record)
    {
        for (int i = from; i < to; i++)
        {
            if (i == hiddenLayers.Length)
            {
                var features = x.dim() > 2 ? x.flatten(1) : x;
                var raw = output.forward(features);
                if (record is null) return raw;
                record.Inputs.Add(features);
                record.AffineOutputs.Add(raw);
                record.NormOutputs.Add(null);
                return raw;
            }
            var layer = hiddenLayers[i];
            if (!layer.IsConvolution && x.dim() > 2) x = x.flatten(1);
            if (record is null)
            {
                x = layer.forward(x);
                continue;
            }
            record.Inputs.Add(x);
            var affine = layer.AffineMap(x);
            record.AffineOutputs.Add(affine);
            var normalized = layer.Normalize(affine);
            record.NormOutputs.Add(normalized);
            x = layer.Activate(normalized ?? affine);
            record.Activations.Add(x);
        }
        return x;
    }

    /// <summary>
    /// The decoded prediction, <c>[N, Outputs]</c>: regression values, class logits, or the expectation of each
    /// categorical distribution.
    /// </summary>
    public Tensor Predict(Tensor input)
    {
        using var scope = NewDisposeScope();
        return DecodeOutput(forward(input)).MoveToOuterDisposeScope();
    }

    /// <summary>Decodes a raw output of this network (see <see cref="Predict"/>).</summary>
    public Tensor DecodeOutput(Tensor raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        if (categorical is null) return raw.alias();
        using var scope = NewDisposeScope();
        var logits = raw.view(raw.shape[0], Spec.Head.Outputs, Spec.Head.Bins);
        return categorical.DecodeLogits(logits).MoveToOuterDisposeScope();
    }

    /// <summary>A new network of the same spec whose weights are drawn fresh from <paramref name="seed"/> (no injection).</summary>
    public PlasticNetwork CreateFresh(long seed) => NetworkFactory.Create(Spec, seed, device: OutputLayer.weight!.device);

    /// <summary>An exact, independent copy: same spec, weights, normalization statistics and injected heads.</summary>
    public PlasticNetwork DeepCopy()
    {
        var copy = NetworkFactory.Create(Spec, Seed, device: OutputLayer.weight!.device);
        var dtype = OutputLayer.weight!.dtype;
        if (dtype != ScalarType.Float32) copy.to(dtype);
        copy.CopyStateFrom(this);
        if (!training) copy.eval();
        return copy;
    }

    /// <summary>Copies every parameter and buffer from a network of the same spec, and the frozen parts of its plasticity
    /// injection (<see cref="Injection"/>), so this network then computes the same function.</summary>
    public void CopyStateFrom(PlasticNetwork source)
    {
        ArgumentNullException.ThrowIfNull(source);
        using var noGrad = no_grad();
        var target = state_dict();
        foreach (var (name, value) in source.state_dict())
            target[name].copy_(value);
        // An injection's frozen parts are not in state_dict: mirror them, so the copy computes the source's function
        // (an agent's target network after the online network was injected).
        var theirs = source.injection;
        if (theirs is not null && injection is not null && injection.Count == theirs.Count && injection.FirstLayer == theirs.FirstLayer)
        {
            injection.CopyStateFrom(theirs);
            return;
        }
        injection?.Dispose();
        injection = theirs?.DeepCopy();
    }

    /// <summary>
    /// Plasticity injection (Nikishin et al. 2023): the head, the last <paramref name="headLayers"/> parameter layers,
    /// is frozen as it is; its trainable parameters are drawn fresh from <paramref name="random"/> (normalization back to
    /// identity) and a frozen copy of the fresh draw is subtracted, so the network computes
    /// <c>h_old(z) + h_new(z) - copy(h_new)(z)</c>: the same function, exactly, and a freshly initialized head to train.
    /// The body keeps training. A second injection freezes the whole current head function the same way (see
    /// <see cref="HeadInjection"/>). The parameters stay the same objects, so an optimizer over them keeps working; its
    /// state for the head belongs to the old parameters and should be reset by the caller.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="headLayers"/> is not between 1 and the number of parameter layers.</exception>
    /// <exception cref="InvalidOperationException">An earlier injection chose a different head.</exception>
    public void InjectPlasticity(int headLayers, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        int layers = hiddenLayers.Length + 1;
        if (headLayers < 1 || headLayers > layers)
            throw new ArgumentOutOfRangeException(nameof(headLayers), headLayers, $"The head must be between 1 and {layers} parameter layers.");
        int first = layers - headLayers;
        if (injection is not null && injection.FirstLayer != first)
            throw new InvalidOperationException($"The head was injected from parameter layer {injection.FirstLayer}; it cannot be injected again from layer {first}.");
        var frozenHead = CopyWithoutInjection();
        for (int i = first; i < layers; i++) ResetLayer(i, random);
        var freshCopy = CopyWithoutInjection();
        injection ??= new HeadInjection(first);
        injection.Add(frozenHead, freshCopy);
    }

    /// <summary>
    /// Gives this network the shape of <paramref name="count"/> injections from parameter layer <paramref name="firstLayer"/>
    /// (frozen heads with this network's current weights), so that a saved injection's weights can be copied into it.
    /// Replaces any injection it had.
    /// </summary>
    internal void RestoreInjectionShape(int firstLayer, int count)
    {
        injection?.Dispose();
        injection = null;
        if (count == 0) return;
        injection = new HeadInjection(firstLayer);
        for (int i = 0; i < count; i++) injection.Add(CopyWithoutInjection(), CopyWithoutInjection());
    }

    /// <summary>Re-draws the parameters of one layer of <see cref="ParameterLayers"/> (normalization back to identity).</summary>
    public void ResetLayer(int parameterLayerIndex, Random random)
    {
        var layer = ParameterLayers[parameterLayerIndex];
        if (layer is HiddenLayer h)
        {
            ParameterInitializer.InitializeAffine(h.Affine, random);
            if (h.Norm is not null) ParameterInitializer.ResetNormalization(h.Norm);
        }
        else
        {
            ParameterInitializer.InitializeAffine(layer, random);
        }
    }

    /// <summary>
    /// Opens a scope in which networks on this thread run layer by layer with libtorch's differentiable operations
    /// (see <see cref="LayerByLayerScope"/>): needed to differentiate a gradient of a sparse-input network again.
    /// </summary>
    public static LayerByLayerScope LayerByLayer() => new();

    /// <summary>Number of scalar (trainable) parameters.</summary>
    public long ParameterCount => parameters().Sum(p => p.numel());

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            injection?.Dispose();
            injection = null;
        }
        base.Dispose(disposing);
    }

    private PlasticNetwork CopyWithoutInjection()
    {
        var saved = injection;
        injection = null;
        try
        {
            return DeepCopy();
        }
        finally
        {
            injection = saved;
        }
    }

    private Tensor Shape(Tensor input)
    {
        if (convolutionCount > 0)
        {
            var s = Spec.InputShape;
            return input.view(-1, s[0], s[1], s[2]);
        }
        return input.dim() == 2 ? input.alias() : input.flatten(1);
    }
}

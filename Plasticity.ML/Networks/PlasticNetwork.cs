using Plasticity.ML.Common;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Plasticity.ML.Networks;

/// <summary>
/// A network built from a <see cref="NetworkSpec"/>: hidden layers (convolutions first for a CNN), then a
/// linear output layer. <see cref="nn.Module{T,TResult}.forward"/> returns the raw output (regression values,
/// class logits, or two-hot logits flattened to <c>[N, Outputs * Bins]</c>); <see cref="Predict"/> decodes it.
/// Create instances with <see cref="NetworkFactory.Create(NetworkSpec, long, TorchSharp.torch.Device?)"/>.
/// </summary>
public sealed class PlasticNetwork : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<HiddenLayer> hidden;
    private readonly HiddenLayer[] hiddenLayers;
    private readonly Linear output;
    private readonly int convolutionCount;
    private readonly TwoHotEncoding? twoHot;

    internal PlasticNetwork(NetworkSpec spec, long seed, IReadOnlyList<HiddenLayer> hiddenLayers, int convolutionCount, Linear output)
        : base("PlasticNetwork")
    {
        Spec = spec;
        Seed = seed;
        this.hiddenLayers = hiddenLayers.ToArray();
        hidden = nn.ModuleList(this.hiddenLayers);
        this.output = output;
        this.convolutionCount = convolutionCount;
        twoHot = spec.Head.Kind == HeadKind.TwoHot ? TwoHotEncoding.For(spec.Head) : null;
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

    /// <summary>The two-hot encoding of a two-hot head, else null.</summary>
    public TwoHotEncoding? TwoHot => twoHot;

    /// <summary>
    /// The layers that own parameters, in forward order: each hidden layer, then the output layer.
    /// "Reset the last k layers" counts from the end of this list.
    /// </summary>
    public IReadOnlyList<nn.Module> ParameterLayers => [.. hiddenLayers, output];

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var features = Features(input);
        return output.forward(features).MoveToOuterDisposeScope();
    }

    /// <summary>The penultimate features (the last hidden layer's output, flattened): <c>[N, width]</c>.</summary>
    public Tensor Features(Tensor input)
    {
        using var scope = NewDisposeScope();
        return RunHidden(input, null).MoveToOuterDisposeScope();
    }

    /// <summary>Runs the network and keeps every hidden layer's pre-activation and activation.</summary>
    public NetworkTrace Trace(Tensor input)
    {
        using var scope = NewDisposeScope();
        var record = new ForwardRecord();
        var raw = output.forward(RunHidden(input, record));
        var pre = Enumerable.Range(0, hidden.Count).Select(i => record.PreActivation(i).MoveToOuterDisposeScope()).ToList();
        var post = record.Activations.Select(t => t.MoveToOuterDisposeScope()).ToList();
        return new NetworkTrace(pre, post, raw.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// The raw output, recording every parameter layer (hidden layers, then the output layer) in <paramref name="record"/>:
    /// what per-example gradients are built from (<c>dL/dW_i = delta_i a_i'</c>). The recorded tensors belong to the
    /// caller's dispose scope.
    /// </summary>
    internal Tensor ForwardRecording(Tensor input, ForwardRecord record)
    {
        var features = RunHidden(input, record);
        record.Inputs.Add(features);
        var raw = output.forward(features);
        record.AffineOutputs.Add(raw);
        record.NormOutputs.Add(null);
        return raw;
    }

    /// <summary>
    /// The hidden layers, returning the flattened penultimate features. Without a record each layer releases its
    /// intermediates as it goes; with one, they are kept in it.
    /// </summary>
    private Tensor RunHidden(Tensor input, ForwardRecord? record)
    {
        var x = Shape(input);
        for (int i = 0; i < hidden.Count; i++)
        {
            var layer = hidden[i];
            if (!layer.IsConvolution && x.dim() > 2) x = x.flatten(1);
            if (record is null)
            {
                x = layer.forward(x);
                continue;
            }
            record.Inputs.Add(x);
            var z = layer.Affine.forward(x);
            record.AffineOutputs.Add(z);
            var normalized = layer.Normalize(z);
            record.NormOutputs.Add(normalized);
            x = layer.Activate(normalized ?? z);
            record.Activations.Add(x);
        }
        return x.dim() > 2 ? x.flatten(1) : x;
    }

    /// <summary>
    /// The decoded prediction, <c>[N, Outputs]</c>: regression values, class logits, or the expectation of each
    /// two-hot distribution.
    /// </summary>
    public Tensor Predict(Tensor input)
    {
        using var scope = NewDisposeScope();
        return DecodeOutput(forward(input)).MoveToOuterDisposeScope();
    }

    /// <summary>Decodes a raw output of this network (see <see cref="Predict"/>).</summary>
    public Tensor DecodeOutput(Tensor raw)
    {
        if (twoHot is null) return raw.alias();
        using var scope = NewDisposeScope();
        var logits = raw.view(raw.shape[0], Spec.Head.Outputs, Spec.Head.Bins);
        return twoHot.DecodeLogits(logits).MoveToOuterDisposeScope();
    }

    /// <summary>A new network of the same spec whose weights are drawn fresh from <paramref name="seed"/>.</summary>
    public PlasticNetwork CreateFresh(long seed) => NetworkFactory.Create(Spec, seed, device: OutputLayer.weight!.device);

    /// <summary>An exact, independent copy: same spec, weights and normalization statistics.</summary>
    public PlasticNetwork DeepCopy()
    {
        var copy = NetworkFactory.Create(Spec, Seed, device: OutputLayer.weight!.device);
        var dtype = OutputLayer.weight!.dtype;
        if (dtype != ScalarType.Float32) copy.to(dtype);
        copy.CopyStateFrom(this);
        if (!training) copy.eval();
        return copy;
    }

    /// <summary>Copies every parameter and buffer from a network of the same spec.</summary>
    public void CopyStateFrom(PlasticNetwork source)
    {
        using var noGrad = no_grad();
        var target = state_dict();
        foreach (var (name, value) in source.state_dict())
            target[name].copy_(value);
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

    /// <summary>Number of scalar parameters.</summary>
    public long ParameterCount => parameters().Sum(p => p.numel());

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

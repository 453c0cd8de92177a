using Plasticity.ML.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace Plasticity.ML.Benchmarks;

/// <summary>
/// The hand-written minimal TorchSharp training loop every figure of the trainer is compared with: an MLP of
/// <c>nn.Linear</c> (+ <c>nn.LayerNorm</c>) and ReLU, cross-entropy, <c>torch.optim.Adam</c>, mini-batches drawn by
/// <c>index_select</c>, and no host synchronisation at all.
/// </summary>
public sealed class ReferenceLoop : IDisposable
{
    private readonly nn.Module<Tensor, Tensor> model;
    private readonly optim.Optimizer optimizer;
    private readonly Tensor inputs;
    private readonly Tensor labels;
    private readonly long[] indices;
    private readonly Random random = new(12345);

    /// <summary>Builds the loop with the weights of <paramref name="source"/> (so no global RNG decides them).</summary>
    public ReferenceLoop(PlasticNetwork source, Tensor inputs, Tensor labels, int batch, bool layerNorm)
    {
        var layers = new List<nn.Module<Tensor, Tensor>>();
        long width = inputs.shape[1];
        foreach (var hidden in source.HiddenLayers)
        {
            layers.Add(nn.Linear(width, hidden.Units));
            if (layerNorm) layers.Add(nn.LayerNorm([hidden.Units]));
            layers.Add(nn.ReLU());
            width = hidden.Units;
        }
        layers.Add(nn.Linear(width, source.OutputLayer.weight.shape[0]));
        model = nn.Sequential(layers);
        var ours = source.parameters().ToArray();
        var theirs = model.parameters().ToArray();
        if (ours.Length != theirs.Length) throw new InvalidOperationException("Reference network does not mirror the source network.");
        using (no_grad())
        {
            for (int i = 0; i < ours.Length; i++) theirs[i].copy_(ours[i]);
        }
        // The reference is the loop a TorchSharp user writes, so it keeps TorchSharp's Adam, whose steps make hidden
        // Scalars (banned elsewhere, see BannedSymbols.txt); the benchmark runs it on one thread.
#pragma warning disable RS0030
        optimizer = optim.Adam(model.parameters(), 1e-3);
#pragma warning restore RS0030
        this.inputs = inputs;
        this.labels = labels;
        indices = new long[batch];
    }

    /// <summary>One training step.</summary>
    public void Step()
    {
        using var scope = NewDisposeScope();
        int n = (int)inputs.shape[0];
        for (int i = 0; i < indices.Length; i++) indices[i] = random.Next(n);
        using var index = tensor(indices);
        var x = inputs.index_select(0, index);
        var y = labels.index_select(0, index);
        optimizer.zero_grad();
        var loss = nn.functional.cross_entropy(model.forward(x), y);
        loss.backward();
        optimizer.step();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        optimizer.Dispose();
        model.Dispose();
    }
}

using Plasticity.ML.Networks;
using static TorchSharp.torch;

namespace Plasticity.ML.Interventions;

/// <summary>
/// Per-unit activity of the hidden layers on a sample of inputs, measured without side effects: no gradients,
/// and normalization buffers (BatchNorm running statistics) restored afterwards, so that looking at the network
/// does not change it.
/// </summary>
public static class UnitActivity
{
    /// <summary>
    /// The mean absolute activation of every unit of every hidden layer, averaged over the samples (and over
    /// positions for a convolution, whose units are channels), as float64 arrays, plus each layer's number of
    /// positions per channel (1 for fully connected layers), which maps a channel to its flattened columns.
    /// </summary>
    public static (double[][] MeanAbsolute, long[] Positions) Measure(PlasticNetwork network, Tensor inputs)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(inputs);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var buffers = network.named_buffers().Select(b => (Buffer: b.buffer, Copy: b.buffer.clone())).ToList();
        try
        {
            var trace = network.Trace(inputs);
            var means = new double[trace.Activations.Count][];
            var positions = new long[trace.Activations.Count];
            for (int l = 0; l < trace.Activations.Count; l++)
            {
                var h = trace.Activations[l];
                var dims = Enumerable.Range(0, (int)h.dim()).Where(d => d != 1).Select(d => (long)d).ToArray();
                means[l] = h.abs().mean(dims).to_type(ScalarType.Float64).data<double>().ToArray();
                positions[l] = h.dim() > 2 ? h.shape.Skip(2).Aggregate(1L, (a, b) => a * b) : 1;
            }
            return (means, positions);
        }
        finally
        {
            foreach (var (buffer, copy) in buffers) buffer.copy_(copy);
        }
    }
}

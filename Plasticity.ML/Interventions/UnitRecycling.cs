using Plasticity.ML.Diagnostics;
using Plasticity.ML.Networks;
using Plasticity.ML.Optimization;
using TorchSharp.Modules;
using Plasticity.ML.Common;
using static TorchSharp.torch;

namespace Plasticity.ML.Interventions;

/// <summary>
/// The surgery that ReDo and continual backprop share: give chosen units of a hidden layer fresh incoming
/// weights, silence their outgoing weights, and forget the optimizer state of both, so that a recycled unit
/// starts from the initial distribution without changing the network's function at that moment.
/// </summary>
/// <remarks>
/// A unit's outgoing weights are columns of the next parameter layer's weight (dimension 1): the unit itself for
/// a linear or convolution layer reading it, or its block of <c>positions</c> flattened columns when a linear layer
/// reads a convolution's channel. For the last hidden layer the next layer is the output layer; only those
/// columns of it are zeroed, the output units themselves are never recycled.
/// </remarks>
public static class UnitRecycling
{
    /// <summary>The weight that reads hidden layer <paramref name="hiddenIndex"/>: the next hidden layer's or the output layer's.</summary>
    public static Parameter OutgoingWeight(PlasticNetwork network, int hiddenIndex)
    {
        ArgumentNullException.ThrowIfNull(network);
        CheckLayer(network, hiddenIndex);
        return hiddenIndex + 1 < network.HiddenLayers.Count ? network.HiddenLayers[hiddenIndex + 1].Weight : network.OutputLayer.weight!;
    }

    /// <summary>The columns of <see cref="OutgoingWeight"/> that read <paramref name="units"/>.</summary>
    /// <param name="network">The network.</param>
    /// <param name="hiddenIndex">The hidden layer whose units these are.</param>
    /// <param name="units">Unit (channel) indices.</param>
    /// <param name="positions">Positions per channel of that layer's output (see <see cref="UnitActivity.MeanAbsolute"/>).</param>
    /// <remarks>An activation with several outputs per unit (CReLU, Fourier features) gives unit u the outputs
    /// <c>u + j * Units</c>; all of them are read by the next layer.</remarks>
    public static long[] OutgoingColumns(PlasticNetwork network, int hiddenIndex, IReadOnlyList<long> units, long positions)
    {
        ArgumentNullException.ThrowIfNull(units);
        CheckLayer(network, hiddenIndex);
        var layer = network.HiddenLayers[hiddenIndex];
        var outputs = Enumerable.Range(0, layer.OutputsPerUnit).SelectMany(j => units.Select(u => u + (long)j * layer.Units)).ToArray();
        bool flattensChannels = layer.IsConvolution
            && (hiddenIndex + 1 == network.HiddenLayers.Count || !network.HiddenLayers[hiddenIndex + 1].IsConvolution);
        if (!flattensChannels) return outputs;
        var columns = new long[outputs.Length * positions];
        for (int i = 0; i < outputs.Length; i++)
            for (long k = 0; k < positions; k++) columns[i * positions + k] = outputs[i] * positions + k;
        return columns;
    }

    /// <summary>
    /// Recycles <paramref name="units"/> of hidden layer <paramref name="hiddenIndex"/>: their incoming weights and
    /// biases become a fresh draw from the initial distribution (the whole layer is drawn from
    /// <paramref name="random"/>, the chosen rows are copied), their outgoing weights become 0, and, when
    /// <paramref name="optimizer"/> is given, the optimizer state of those rows and columns is zeroed. Normalization
    /// parameters are left as they are.
    /// </summary>
    /// <exception cref="NotSupportedException">The optimizer cannot reset rows or columns (TorchSharp's optimizers).</exception>
    public static void Recycle(PlasticNetwork network, IPlasticOptimizer? optimizer, int hiddenIndex, IReadOnlyList<long> units, long positions, Random random)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(units);
        ArgumentNullException.ThrowIfNull(random);
        CheckLayer(network, hiddenIndex);
        if (units.Count == 0) return;
        var layer = network.HiddenLayers[hiddenIndex];
        if (units.Any(u => u < 0 || u >= layer.Units))
            throw new ArgumentOutOfRangeException(nameof(units), $"Hidden layer {hiddenIndex} has {layer.Units} units; got [{string.Join(", ", units)}].");
        var rows = units.ToArray();
        var outgoing = OutgoingWeight(network, hiddenIndex);
        var columns = OutgoingColumns(network, hiddenIndex, units, positions);

        using (var scope = NewDisposeScope())
        using (var noGrad = no_grad())
        {
            var (freshWeight, freshBias) = ParameterInitializer.Draw(layer.Weight, layer.Bias, random);
            using var rowIndex = tensor(rows, device: layer.Weight.device);
            layer.Weight.index_copy_(0, rowIndex, freshWeight.index_select(0, rowIndex));
            if (layer.Bias is not null && freshBias is not null)
                layer.Bias.index_copy_(0, rowIndex, freshBias.index_select(0, rowIndex));
            using var columnIndex = tensor(columns, device: outgoing.device);
            outgoing.index_fill_(1, columnIndex, Scalars.Zero);
        }

        if (optimizer is null) return;
        optimizer.ResetState(layer.Weight, rows);
        if (layer.Bias is not null) optimizer.ResetState(layer.Bias, rows);
        optimizer.ResetStateColumns(outgoing, columns);
    }

    private static void CheckLayer(PlasticNetwork network, int hiddenIndex)
    {
        if (hiddenIndex < 0 || hiddenIndex >= network.HiddenLayers.Count)
            throw new ArgumentOutOfRangeException(nameof(hiddenIndex), $"The network has {network.HiddenLayers.Count} hidden layers; got index {hiddenIndex}.");
    }
}

using Plasticity.ML.Common;
using Plasticity.ML.Networks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Plasticity.ML.Diagnostics;

/// <summary>Global and per-layer L2 norm, mean |w|, and weight-matrix ranks of a <see cref="PlasticNetwork"/>.</summary>
public static class WeightStatistics
{
    /// <summary>Measures the network's current parameters (not modified).</summary>
    /// <param name="network">The network.</param>
    /// <param name="delta">delta of srank.</param>
    public static WeightReport Measure(PlasticNetwork network, double delta = SpectralRank.DefaultDelta)
    {
        ArgumentNullException.ThrowIfNull(network);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (globalSquares, globalAbs, globalCount) = Sums(network.parameters());
        var layers = new List<LayerWeightStatistics>();
        var parameterLayers = network.ParameterLayers;
        for (int i = 0; i < parameterLayers.Count; i++)
        {
            var module = parameterLayers[i];
            var (squares, abs, count) = Sums(module.parameters());
            var weight = module switch
            {
                HiddenLayer h => h.Weight,
                Linear l => l.weight!,
                _ => throw new InvalidOperationException($"Unexpected parameter layer {module.GetType().Name}."),
            };
            using var matrix = weight.detach().flatten(1);
            layers.Add(new LayerWeightStatistics
            {
                Layer = i,
                L2Norm = Math.Sqrt(squares),
                MeanAbsolute = count == 0 ? 0 : abs / count,
                WeightRank = SpectralRank.Summarize(matrix, delta),
            });
        }
        return new WeightReport
        {
            L2Norm = Math.Sqrt(globalSquares),
            MeanAbsolute = globalCount == 0 ? 0 : globalAbs / globalCount,
            ParameterCount = globalCount,
            Layers = layers,
        };
    }

    private static (double Squares, double Abs, long Count) Sums(IEnumerable<Parameter> parameters)
    {
        double squares = 0, abs = 0;
        long count = 0;
        foreach (var p in parameters)
        {
            squares += p.SquaredNorm();
            using var d = p.DetachedFloat64();
            using (var magnitude = d.abs())
            using (var sum = magnitude.sum())
                abs += sum.item<double>();
            count += p.numel();
        }
        return (squares, abs, count);
    }
}

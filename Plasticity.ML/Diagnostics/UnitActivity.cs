using Plasticity.ML.Networks;
using Plasticity.ML.Common;
using static TorchSharp.torch;

namespace Plasticity.ML.Diagnostics;

/// <summary>
/// Counts dead, tau-dormant (ReDo) and linearized ("zombie") units of a <see cref="PlasticNetwork"/> on a sample.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Dead: the activation is exactly 0 on all samples (Dohare et al. 2024, tau = 0).</item>
/// <item>tau-dormant: score s_i = E|h_i| / (mean_k E|h_k| + 1e-9) &lt;= tau, with the expectation over samples and,
/// for a convolution channel, over positions (Sokar et al. 2023). tau = 0 gives the dead units of a ReLU.</item>
/// <item>Linearized: the pre-activation is &gt; 0 on all samples and positions (Lyle et al. 2024).</item>
/// </list>
/// The network runs in evaluation mode (BatchNorm uses its running statistics) and is not modified.
/// </remarks>
public static class UnitActivity
{
    /// <summary>The default dormancy thresholds: 0 (dead) and 0.1 (ReDo's choice).</summary>
    public static IReadOnlyList<double> DefaultTaus { get; } = [0.0, 0.1];

    /// <summary>Measures every hidden layer on <paramref name="inputs"/> <c>[N, features]</c>.</summary>
    public static UnitActivityReport Measure(PlasticNetwork network, Tensor inputs, IReadOnlyList<double>? taus = null, int chunk = 512)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(inputs);
        var tauArray = (taus ?? DefaultTaus).ToArray();
        if (tauArray.Any(t => !(t >= 0) || !double.IsFinite(t))) throw new ArgumentException("Every tau must be a finite number >= 0.", nameof(taus));
        int n = (int)inputs.shape[0];
        if (n == 0) throw new ArgumentException("Need at least one sample.", nameof(inputs));
        if (chunk <= 0) throw new ArgumentOutOfRangeException(nameof(chunk), chunk, "chunk must be positive.");

        int layers = network.HiddenLayers.Count;
        var maxAbs = new Tensor?[layers];
        var sumAbs = new Tensor?[layers];
        var minPre = new Tensor?[layers];
        var counts = new long[layers];
        bool wasTraining = network.training;
        network.eval();
        try
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            for (int start = 0; start < n; start += chunk)
            {
                int length = Math.Min(chunk, n - start);
                using var trace = network.Trace(inputs.narrow(0, start, length));
                for (int l = 0; l < layers; l++)
                {
                    // Units on dim 1; reduce over samples and any spatial positions.
                    using var pre = UnitsLast(trace.PreActivations[l]);
                    using var act = UnitsLast(trace.Activations[l]).abs().to_type(ScalarType.Float64);
                    var m = act.amax([0L]);
                    var s = act.sum([0L]);
                    var p = pre.amin([0L]);
                    maxAbs[l] = maxAbs[l] is null ? m : maxAbs[l]!.maximum(m);
                    sumAbs[l] = sumAbs[l] is null ? s : sumAbs[l]!.add(s, Scalars.One);
                    minPre[l] = minPre[l] is null ? p : minPre[l]!.minimum(p);
                    counts[l] += act.shape[0];
                }
            }

            var results = new List<LayerUnitActivity>(layers);
            for (int l = 0; l < layers; l++)
            {
                var max = maxAbs[l]!.data<double>().ToArray();
                // E|h_i| over samples and positions; a CNN layer has its own number of positions per unit.
                var mean = sumAbs[l]!.data<double>().Select(v => v / counts[l]).ToArray();
                var min = minPre[l]!.to_type(ScalarType.Float64).data<double>().ToArray();
                results.Add(Summarize(l, max, mean, min, tauArray));
            }
            return new UnitActivityReport { Taus = tauArray, Samples = n, Layers = results };
        }
        finally
        {
            if (wasTraining) network.train();
        }
    }

    private static LayerUnitActivity Summarize(int layer, double[] maxAbs, double[] meanAbs, double[] minPre, double[] taus)
    {
        int units = maxAbs.Length;
        double layerMean = meanAbs.Average();
        // The 1e-9 is ReDo's guard against a layer whose units are all silent (every score is then 0).
        var scores = meanAbs.Select(m => m / (layerMean + 1e-9)).ToArray();
        return new LayerUnitActivity
        {
            Layer = layer,
            Units = units,
            Dead = maxAbs.Count(m => m == 0),
            Linearized = minPre.Count(p => p > 0),
            Dormant = taus.Select(t => scores.Count(s => s <= t)).ToArray(),
            DormancyScores = scores,
        };
    }

    private static Tensor UnitsLast(Tensor t) => t.dim() == 2 ? t.alias() : t.transpose(0, 1).flatten(1).transpose(0, 1);
}

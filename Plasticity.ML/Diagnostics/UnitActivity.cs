using Plasticity.ML.Common;
using Plasticity.ML.Networks;
using static TorchSharp.torch;

namespace Plasticity.ML.Diagnostics;

/// <summary>
/// The one definition of unit activity in this library: what the statistics panel reports and what ReDo and continual
/// backprop act on. Measured on a sample of inputs in evaluation mode (BatchNorm uses its running statistics, so a
/// unit's activity does not depend on which other inputs share the batch), without gradients, leaving the network
/// exactly as it was (its train/eval mode is restored; nothing else changes).
/// </summary>
/// <remarks>
/// <para>A unit is a feature of a linear layer's pre-activation, or a channel of a convolution's (whose positions are
/// pooled). An activation that emits several outputs per unit (<see cref="ActivationKind.CReLU"/>,
/// <see cref="ActivationKind.Fourier"/>) gives the unit the sum of their absolute values: <c>|h_u| = sum_j |h_(u + j U)|</c>.</para>
/// <list type="bullet">
/// <item>E|h_u|: the mean of |h_u| over samples (and positions).</item>
/// <item>Dormancy score (Sokar et al. 2023, ReDo): <c>s_u = E|h_u| / (mean_k E|h_k| + 1e-9)</c>; tau-dormant when
/// <c>s_u &lt;= tau</c>. With tau = 0 the dormant units of a ReLU layer are its dead units.</item>
/// <item>Dead: every output of the unit is exactly 0 on every sample and position (Dohare et al. 2024).</item>
/// <item>Linearized: the pre-activation is &gt; 0 on every sample and position, so a ReLU acts as the identity
/// (Lyle et al. 2024); meaningful for the ReLU family.</item>
/// <item>Active fraction: for each output, the fraction of samples (and positions) on which it is non-zero, averaged
/// over outputs (the "fraction of active units" of Plasticine; Ma et al. 2023). For a ReLU layer it is 1 minus the
/// fraction of zero activations.</item>
/// </list>
/// </remarks>
public static class UnitActivity
{
    /// <summary>ReDo's guard against a layer whose units are all silent (every score is then 0).</summary>
    public const double ScoreGuard = 1e-9;

    /// <summary>The default dormancy thresholds: 0 (dead) and 0.1 (ReDo's choice).</summary>
    public static IReadOnlyList<double> DefaultTaus { get; } = [0.0, 0.1];

    /// <summary>
    /// E|h_u| of every unit of every hidden layer on <paramref name="inputs"/>, in float64, plus each layer's number of
    /// positions per channel (1 for fully connected layers), which maps a channel to its flattened columns.
    /// </summary>
    public static (double[][] MeanAbsolute, long[] Positions) MeanAbsolute(PlasticNetwork network, Tensor inputs, int chunk = 512)
    {
        var layers = Accumulate(network, inputs, chunk);
        return (layers.Select(l => l.MeanAbsolute()).ToArray(), layers.Select(l => l.Positions).ToArray());
    }

    /// <summary>The dormancy score of each unit of a layer from its E|h| (see the class remarks).</summary>
    public static double[] DormancyScores(IReadOnlyList<double> meanAbsolute)
    {
        ArgumentNullException.ThrowIfNull(meanAbsolute);
        if (meanAbsolute.Count == 0) return [];
        double layerMean = meanAbsolute.Average();
        return meanAbsolute.Select(m => m / (layerMean + ScoreGuard)).ToArray();
    }

    /// <summary>The units (ascending) whose dormancy score is at most <paramref name="tau"/>.</summary>
    public static long[] Dormant(IReadOnlyList<double> scores, double tau)
    {
        ArgumentNullException.ThrowIfNull(scores);
        CheckTau(tau);
        return Enumerable.Range(0, scores.Count).Where(i => scores[i] <= tau).Select(i => (long)i).ToArray();
    }

    /// <summary>Measures every hidden layer on <paramref name="inputs"/> <c>[N, features]</c>.</summary>
    public static UnitActivityReport Measure(PlasticNetwork network, Tensor inputs, IReadOnlyList<double>? taus = null, int chunk = 512)
    {
        var tauArray = (taus ?? DefaultTaus).ToArray();
        foreach (double tau in tauArray) CheckTau(tau);
        var layers = Accumulate(network, inputs, chunk);
        var results = new List<LayerUnitActivity>(layers.Length);
        for (int l = 0; l < layers.Length; l++)
        {
            var sums = layers[l];
            var scores = DormancyScores(sums.MeanAbsolute());
            var max = sums.MaxAbsolute();
            results.Add(new LayerUnitActivity
            {
                Layer = l,
                Units = sums.Units,
                Dead = max.Count(m => m == 0),
                Linearized = sums.MinPre.Count(p => p > 0),
                Dormant = tauArray.Select(t => scores.Count(s => s <= t)).ToArray(),
                DormancyScores = scores,
                ActiveFraction = sums.ActiveRate.Average(),
                Outputs = sums.ActiveRate.Length,
            });
        }
        return new UnitActivityReport { Taus = tauArray, Samples = (int)inputs.shape[0], Layers = results };
    }

    private static void CheckTau(double tau)
    {
        if (!(tau >= 0) || !double.IsFinite(tau)) throw new ArgumentOutOfRangeException(nameof(tau), tau, "tau must be finite and non-negative.");
    }

    /// <summary>One pass over the sample in chunks, in evaluation mode, accumulating every layer's sums.</summary>
    private static LayerSums[] Accumulate(PlasticNetwork network, Tensor inputs, int chunk)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(inputs);
        if (chunk <= 0) throw new ArgumentOutOfRangeException(nameof(chunk), chunk, "chunk must be positive.");
        int n = (int)inputs.shape[0];
        if (n == 0) throw new ArgumentException("Need at least one sample.", nameof(inputs));

        var layers = network.HiddenLayers.Select(h => new LayerSums(h.Units, h.OutputsPerUnit)).ToArray();
        using (EvaluationMode.Enter(network))
        {
            using var noGrad = no_grad();
            for (int start = 0; start < n; start += chunk)
            {
                using var scope = NewDisposeScope();
                int length = Math.Min(chunk, n - start);
                using var trace = network.Trace(inputs.narrow(0, start, length));
                for (int l = 0; l < layers.Length; l++) layers[l].Add(trace.PreActivations[l], trace.Activations[l]);
            }
        }
        return layers;
    }

    /// <summary>Running per-output sums of one hidden layer over the chunks of a sample, in float64.</summary>
    private sealed class LayerSums(int units, int outputsPerUnit)
    {
        private readonly double[] sumAbs = new double[units * outputsPerUnit];
        private readonly double[] maxAbs = new double[units * outputsPerUnit];
        private readonly double[] nonZero = new double[units * outputsPerUnit];
        private long rows;

        public int Units => units;

        public long Positions { get; private set; } = 1;

        public double[] MinPre { get; } = Enumerable.Repeat(double.PositiveInfinity, units).ToArray();

        /// <summary>Per output: the fraction of samples and positions on which it is non-zero.</summary>
        public double[] ActiveRate => nonZero.Select(c => rows == 0 ? 0 : c / rows).ToArray();

        public void Add(Tensor preActivation, Tensor activation)
        {
            Positions = activation.dim() > 2 ? activation.shape.Skip(2).Aggregate(1L, (a, b) => a * b) : 1;
            // The scope holds every intermediate of the chains below until this method returns.
            using var scope = NewDisposeScope();
            // Units (or outputs) last: [samples x positions, units].
            var act = UnitsLast(activation).abs().to_type(ScalarType.Float64);
            var pre = UnitsLast(preActivation).to_type(ScalarType.Float64);
            var sums = act.sum([0L]).data<double>().ToArray();
            var maxima = act.amax([0L]).data<double>().ToArray();
            var counts = act.ne(ZeroTensor()).sum([0L]).to_type(ScalarType.Float64).data<double>().ToArray();
            var minima = pre.amin([0L]).data<double>().ToArray();
            for (int o = 0; o < sumAbs.Length; o++)
            {
                sumAbs[o] += sums[o];
                maxAbs[o] = Math.Max(maxAbs[o], maxima[o]);
                nonZero[o] += counts[o];
            }
            for (int u = 0; u < units; u++) MinPre[u] = Math.Min(MinPre[u], minima[u]);
            rows += act.shape[0];
        }

        /// <summary>E|h_u|: the unit's outputs' absolute values summed, averaged over samples and positions.</summary>
        public double[] MeanAbsolute() =>
            Enumerable.Range(0, units).Select(u => Enumerable.Range(0, outputsPerUnit).Sum(j => sumAbs[u + j * units]) / rows).ToArray();

        /// <summary>max |h| over the unit's outputs, samples and positions.</summary>
        public double[] MaxAbsolute() =>
            Enumerable.Range(0, units).Select(u => Enumerable.Range(0, outputsPerUnit).Max(j => maxAbs[u + j * units])).ToArray();

        private static Tensor ZeroTensor() => zeros(1, dtype: ScalarType.Float64);

        private static Tensor UnitsLast(Tensor t)
        {
            if (t.dim() == 2) return t.alias();
            using var unitsFirst = t.transpose(0, 1);
            using var flat = unitsFirst.flatten(1);
            return flat.transpose(0, 1);
        }
    }
}

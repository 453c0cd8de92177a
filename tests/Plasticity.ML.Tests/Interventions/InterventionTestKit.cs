using Plasticity.ML.Common;
using Plasticity.ML.Networks;
using Plasticity.ML.Optimization;
using Plasticity.ML.Tasks;
using Plasticity.ML.Training;
using static TorchSharp.torch;

namespace Plasticity.ML.Tests.Interventions;

/// <summary>Tiny networks, contexts and tensor comparisons for the intervention tests.</summary>
internal static class InterventionTestKit
{
    public static PlasticNetwork Mlp(int inputs, int[] widths, int outputs, long seed) =>
        NetworkFactory.Create(new NetworkSpec
        {
            InputShape = [inputs],
            HiddenWidths = widths,
            Head = new HeadSpec { Kind = HeadKind.Regression, Outputs = outputs },
        }, seed);

    public static IPlasticOptimizer Adam(PlasticNetwork network) =>
        new PlasticOptimizer(network.parameters(), new OptimizerOptions { Kind = OptimizerKind.Adam, LearningRate = 1e-3 });

    /// <summary>A context as the trainer builds it, for driving hooks directly.</summary>
    public static TrainingContext Context(PlasticNetwork network, IPlasticOptimizer optimizer, long seed = 5) =>
        new(network, optimizer, seed);

    /// <summary>The regression objective of <paramref name="network"/>'s head.</summary>
    public static TrainingObjective Objective(PlasticNetwork network) =>
        new(network.Spec.Head, TargetKind.Regression, network.Spec.Head.Outputs, LossKind.Auto);

    /// <summary>A [rows, columns] float32 tensor of uniform values in [low, high) from a seeded stream.</summary>
    public static Tensor Uniform(int rows, int columns, int seed, double low = 0, double high = 1)
    {
        var random = new Random(seed);
        var values = new float[rows * columns];
        for (int i = 0; i < values.Length; i++) values[i] = (float)(low + (high - low) * random.NextDouble());
        return TensorComparisons.Shaped(values, rows, columns);
    }

    public static Tensor[] Snapshot(PlasticNetwork network) =>
        network.parameters().Select(p => p.DetachedCopy()).ToArray();

    public static double MaxAbsDifference(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        return (a.to_type(ScalarType.Float64) - b.to_type(ScalarType.Float64)).abs().max().item<double>();
    }

    public static void AssertClose(Tensor expected, Tensor actual, double tolerance, string what)
    {
        CollectionAssert.AreEqual(expected.shape, actual.shape, $"{what}: shapes differ.");
        double difference = MaxAbsDifference(expected, actual);
        Assert.IsTrue(difference <= tolerance, $"{what}: max |difference| = {difference:g4} > {tolerance:g4}.");
    }

    public static float[,] Matrix(Tensor t)
    {
        var flat = t.FloatValues();
        int rows = (int)t.shape[0], columns = (int)(t.numel() / t.shape[0]);
        var m = new float[rows, columns];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++) m[r, c] = flat[r * columns + c];
        return m;
    }

    /// <summary>The largest singular value, by many float64 power iterations on W^T W (independent of the code under test).</summary>
    public static double LargestSingularValue(Tensor weight)
    {
        var w = Matrix(weight);
        int rows = w.GetLength(0), columns = w.GetLength(1);
        var v = Enumerable.Range(0, columns).Select(i => 1.0 + 0.1 * i).ToArray();
        double lambda = 0;
        for (int iteration = 0; iteration < 2000; iteration++)
        {
            var wv = new double[rows];
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < columns; c++) wv[r] += w[r, c] * v[c];
            var next = new double[columns];
            for (int c = 0; c < columns; c++)
                for (int r = 0; r < rows; r++) next[c] += w[r, c] * wv[r];
            lambda = Math.Sqrt(next.Sum(x => x * x));
            for (int c = 0; c < columns; c++) v[c] = next[c] / lambda;
        }
        return Math.Sqrt(lambda);
    }
}

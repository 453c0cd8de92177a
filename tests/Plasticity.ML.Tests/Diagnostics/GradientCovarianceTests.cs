using Plasticity.ML.Diagnostics;
using Plasticity.ML.Tasks;
using Plasticity.ML.Training;
using static TorchSharp.torch;

namespace Plasticity.ML.Tests.Diagnostics;

[TestClass]
public sealed class GradientCovarianceTests
{
    [TestMethod]
    public void IdenticalGradientsGiveAllOnes()
    {
        using var tensors = NewDisposeScope();
        using var row = tensor(new[] { 0.5, -2, 3, 1 });
        using var g = row.unsqueeze(0).expand(5, 4).contiguous();
        var c = GradientCovariance.FromGradients(g);
        foreach (var r in c.Matrix) foreach (var v in r) Assert.AreEqual(1.0, v, 1e-12);
        Assert.AreEqual(1.0, c.MeanOffDiagonal, 1e-12);
        Assert.AreEqual(0.0, c.FractionNegative);
        Assert.AreEqual(1.0, c.EffectiveRank, 1e-6);
    }

    [TestMethod]
    public void OrthogonalGradientsGiveTheIdentity()
    {
        using var tensors = NewDisposeScope();
        // Scaled basis vectors: orthogonal with different norms, so the normalization matters.
        var values = new double[4 * 6];
        for (int i = 0; i < 4; i++) values[i * 6 + i + 1] = i + 1.5;
        using var g = tensor(values).view(4, 6);
        var c = GradientCovariance.FromGradients(g);
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++)
                Assert.AreEqual(i == j ? 1.0 : 0.0, c.Matrix[i][j], 1e-12);
        Assert.AreEqual(0.0, c.MeanOffDiagonal, 1e-12);
        Assert.AreEqual(4.0, c.EffectiveRank, 1e-9);
    }

    [TestMethod]
    public void OppositeGradientsCountAsNegativeInterference()
    {
        using var tensors = NewDisposeScope();
        using var g = tensor(new[] { 1.0, 2, -1, -2 }).view(2, 2);
        var c = GradientCovariance.FromGradients(g);
        Assert.AreEqual(-1.0, c.Matrix[0][1], 1e-12);
        Assert.AreEqual(1.0, c.FractionNegative);
    }

    [TestMethod]
    public void FromGramNormalizesLikeFromGradients()
    {
        using var tensors = NewDisposeScope();
        // Gradients (1, 0), (1, 1), (0, 0): the Gram matrix K = G G' gives the same C_k as normalizing G's rows, and the
        // zero gradient gets a zero row and column, counted once.
        double[][] gram = [[1, 1, 0], [1, 2, 0], [0, 0, 0]];
        var c = GradientCovariance.FromGram(gram);
        using var g = tensor(new[] { 1.0, 0, 1, 1, 0, 0 }).view(3, 2);
        var reference = GradientCovariance.FromGradients(g);
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                Assert.AreEqual(reference.Matrix[i][j], c.Matrix[i][j], 1e-12);
        Assert.AreEqual(Math.Sqrt(0.5), c.Matrix[0][1], 1e-12);
        Assert.AreEqual(0.0, c.Matrix[2][2]);
        Assert.AreEqual(1, c.ZeroGradients);
        Assert.ThrowsExactly<ArithmeticException>(() => GradientCovariance.FromGram([[1, double.NaN], [double.NaN, 1]]));
        Assert.ThrowsExactly<ArgumentException>(() => GradientCovariance.FromGram([[1, 0]]));
    }

    [TestMethod]
    public void DuplicatedExamplesOfANetworkHaveIdenticalGradients()
    {
        using var tensors = NewDisposeScope();
        // Rows 0 and 2 are the same example, so their per-example gradients are equal: C[0,2] = 1.
        using var net = DiagnosticTestNetworks.Mlp(3, [6], 2, seed: 14);
        var head = net.Spec.Head;
        var objective = new TrainingObjective(head, TargetKind.Regression, head.Outputs, LossKind.Mse);
        using var x = tensor(new float[] { 1, 2, 3, -1, 0.5f, 2, 1, 2, 3 }).view(3, 3);
        using var y = tensor(new float[] { 1, 0, 0, 1, 1, 0 }).view(3, 2);
        using var diagnostic = DiagnosticObjective.ForTraining(net, objective, x, y);
        var c = GradientCovariance.Measure(diagnostic, samples: 10);
        CollectionAssert.AreEqual(new[] { 0, 1, 2 }, c.Rows);
        Assert.AreEqual(1.0, c.Matrix[0][2], 1e-5);
        Assert.AreEqual(1.0, c.Matrix[1][1], 1e-5);
        Assert.IsLessThan(0.9999, c.Matrix[0][1]);
    }

    [TestMethod]
    public void CsvHoldsTheMatrix()
    {
        using var tensors = NewDisposeScope();
        using var g = tensor(new[] { 1.0, 0, 1, 1 }).view(2, 2);
        var c = GradientCovariance.FromGradients(g);
        var path = Path.Combine(Path.GetTempPath(), $"ck-{Guid.NewGuid():N}.csv");
        try
        {
            c.WriteCsv(path);
            var lines = File.ReadAllLines(path);
            Assert.HasCount(2, lines);
            var parsed = lines[0].Split(',').Select(s => double.Parse(s, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            Assert.AreEqual(1.0, parsed[0], 1e-12);
            Assert.AreEqual(Math.Sqrt(0.5), parsed[1], 1e-12);
        }
        finally
        {
            File.Delete(path);
        }
    }
}

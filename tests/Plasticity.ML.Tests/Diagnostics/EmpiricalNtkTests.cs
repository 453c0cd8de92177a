using Plasticity.ML.Diagnostics;
using Plasticity.ML.Networks;
using TorchSharp;
using Plasticity.ML.Common;
using static TorchSharp.torch;

namespace Plasticity.ML.Tests.Diagnostics;

[TestClass]
public sealed class EmpiricalNtkTests
{
    [TestMethod]
    public void RankOneKernelHasTopFractionOneAndEffectiveRankOne()
    {
        double[] u = [1, 2, -1];
        var gram = u.Select(a => u.Select(b => a * b).ToArray()).ToArray();
        var s = EmpiricalNtk.Summarize(gram);
        Assert.AreEqual(1.0, s.TopEigenvalueFraction, 1e-12);
        Assert.AreEqual(1.0, s.EffectiveRank, 1e-6);
        Assert.AreEqual(2.0, s.MeanDiagonal, 1e-12);
        // Cosines: (1,2)->1, (1,3)->-1, (2,3)->-1, each twice: mean -1/3.
        Assert.AreEqual(-1 / 3.0, s.MeanOffDiagonalCosine, 1e-12);
    }

    [TestMethod]
    public void IdentityKernelIsFullRank()
    {
        var gram = Enumerable.Range(0, 4).Select(i => Enumerable.Range(0, 4).Select(j => i == j ? 2.0 : 0).ToArray()).ToArray();
        var s = EmpiricalNtk.Summarize(gram);
        Assert.AreEqual(0.25, s.TopEigenvalueFraction, 1e-12);
        Assert.AreEqual(4.0, s.EffectiveRank, 1e-9);
    }

    [TestMethod]
    public void GramEqualsTheFiniteDifferenceJacobianProduct()
    {
        using var tensors = NewDisposeScope();
        using var net = DiagnosticTestNetworks.Mlp(2, [3], 2, ActivationKind.Tanh, seed: 15);
        net.to(ScalarType.Float64);
        using var x = tensor(new[] { 0.3, -1.0, 1.2, 0.4 }).view(2, 2);
        var gram = EmpiricalNtk.Gram(net, x);
        var parameters = net.parameters().ToArray();
        int p = (int)net.ParameterCount;
        var jacobian = new double[4, p];
        const double eps = 1e-6;
        int column = 0;
        foreach (var parameter in parameters)
        {
            for (int k = 0; k < parameter.numel(); k++, column++)
            {
                double[] Output(double step)
                {
                    using var noGrad = no_grad();
                    using var flat = parameter.view(-1);
                    flat[k] = flat[k].Plus(step);
                    using var y = net.Predict(x);
                    var values = y.data<double>().ToArray();
                    flat[k] = flat[k].Minus(step);
                    return values;
                }
                var plus = Output(eps);
                var minus = Output(-eps);
                for (int r = 0; r < 4; r++) jacobian[r, column] = (plus[r] - minus[r]) / (2 * eps);
            }
        }
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++)
            {
                double expected = 0;
                for (int c = 0; c < p; c++) expected += jacobian[i, c] * jacobian[j, c];
                Assert.AreEqual(expected, gram[i][j], 1e-5 * Math.Max(1, Math.Abs(expected)));
            }
    }
}

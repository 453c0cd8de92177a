using Plasticity.ML.Optimization;
using static TorchSharp.torch;

namespace Plasticity.ML.Tests.Optimization;

/// <summary>Adam with epsilon inside the square root (the paper's Eq. 6) against a float64 hand computation.</summary>
[TestClass]
public sealed class EpsilonInsideSqrtTests
{
    [TestMethod]
    public void MatchesAFloat64HandComputation()
    {
        using var tensors = NewDisposeScope();
        const double lr = 0.01, beta1 = 0.9, beta2 = 0.99, eps = 1e-8, epsBar = 1e-2;
        double[] start = [0.5, -1.0, 2.0, 0.0];
        // Gradients of loss = sum(c_t * p) are c_t; chosen so that v_hat is comparable to epsBar and the term matters.
        double[][] gradients = [[0.1, -0.2, 0.05, 0.3], [0.2, 0.1, -0.1, 0.0], [-0.05, 0.3, 0.2, -0.1]];
        using var p = new TorchSharp.Modules.Parameter(tensor(start.Select(x => (float)x).ToArray()));
        using var optimizer = new PlasticOptimizer([p], new OptimizerOptions
        {
            Kind = OptimizerKind.Adam, LearningRate = lr, Beta1 = beta1, Beta2 = beta2, Epsilon = eps, EpsilonInsideSqrt = epsBar,
        });
        var expected = (double[])start.Clone();
        var withoutEpsBar = (double[])start.Clone();
        var m = new double[4];
        var v = new double[4];
        for (int t = 1; t <= gradients.Length; t++)
        {
            optimizer.ZeroGrad();
            using (var c = tensor(gradients[t - 1].Select(x => (float)x).ToArray()))
            using (var loss = (p * c).sum()) loss.backward();
            optimizer.Step();
            for (int i = 0; i < 4; i++)
            {
                double g = (float)gradients[t - 1][i];
                m[i] = beta1 * m[i] + (1 - beta1) * g;
                v[i] = beta2 * v[i] + (1 - beta2) * g * g;
                double mHat = m[i] / (1 - Math.Pow(beta1, t));
                double vHat = v[i] / (1 - Math.Pow(beta2, t));
                expected[i] -= lr * mHat / (Math.Sqrt(vHat + epsBar) + eps);
                withoutEpsBar[i] -= lr * mHat / (Math.Sqrt(vHat) + eps);
            }
        }
        var actual = p.data<float>().ToArray();
        for (int i = 0; i < 4; i++)
        {
            Assert.AreEqual(expected[i], actual[i], 1e-6 * Math.Max(1, Math.Abs(expected[i])), $"element {i}");
            if (gradients.Any(g => g[i] != 0))
                Assert.IsGreaterThan(1e-4, Math.Abs(expected[i] - withoutEpsBar[i]), $"element {i}: epsBar should matter in this case.");
        }
    }
}

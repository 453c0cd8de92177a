using Plasticity.ML.Optimization;
using TorchSharp;
using Parameter = TorchSharp.Modules.Parameter;
using static TorchSharp.torch;

namespace Plasticity.ML.Tests.Optimization;

/// <summary>RMSProp (MinAtar's centered variant and the plain one) against its formula computed in float64.</summary>
[TestClass]
public sealed class RmsPropTests
{
    private static readonly double[] Start = [0.5, -1.25, 2.0, 0.0, -0.75, 3.5, 1e-3, -2.5, 0.25];

    // Gradients chosen so that E[g^2] - E[g]^2 is small for some elements (element 3 sees the same gradient twice).
    private static readonly double[][] Gradients =
    [
        [0.1, -0.2, 0.3, 0.7, 1.5, -0.4, 2.0, -1e-4, 0.05],
        [-0.3, 0.1, 0.2, 0.7, -1.0, 0.0, 0.5, 0.3, -0.05],
        [0.2, 0.2, -0.6, 0.7, 0.4, 0.9, -2.0, 0.1, 0.0],
        [0.05, -0.5, 0.1, -0.2, 0.3, 0.2, 1.0, -0.3, 0.4],
    ];

    public static IEnumerable<object[]> Configurations =>
    [
        ["centered (MinAtar)", new OptimizerOptions { Kind = OptimizerKind.RmsProp, LearningRate = 2.5e-4, Alpha = 0.95, Epsilon = 0.01, Centered = true }],
        ["plain", new OptimizerOptions { Kind = OptimizerKind.RmsProp, LearningRate = 0.01, Alpha = 0.9, Epsilon = 1e-8 }],
        ["centered, momentum, L2, epsilon inside", new OptimizerOptions
        {
            Kind = OptimizerKind.RmsProp, LearningRate = 0.05, Alpha = 0.8, Epsilon = 1e-3, EpsilonInsideSqrt = 1e-4, Momentum = 0.7, WeightDecay = 0.1, Centered = true,
        }],
    ];

    [TestMethod]
    [DynamicData(nameof(Configurations))]
    public void Float64FollowsTheFormula(string name, OptimizerOptions options)
    {
        using var tensors = NewDisposeScope();
        foreach (bool fused in new[] { true, false })
        {
            using var parameter = new Parameter(tensor(Start, ScalarType.Float64));
            using var optimizer = new PlasticOptimizer([parameter], options) { UseFusedUpdate = fused };
            double[] p = (double[])Start.Clone(), square = new double[p.Length], average = new double[p.Length], buffer = new double[p.Length];
            foreach (var gradient in Gradients)
            {
                optimizer.ZeroGrad();
                using (no_grad()) parameter.grad!.copy_(tensor(gradient, ScalarType.Float64));
                optimizer.Step();
                for (int i = 0; i < p.Length; i++)
                {
                    double g = gradient[i] + options.WeightDecay * p[i];
                    square[i] = options.Alpha * square[i] + (1 - options.Alpha) * g * g;
                    average[i] = options.Alpha * average[i] + (1 - options.Alpha) * g;
                    double spread = options.Centered ? square[i] - average[i] * average[i] : square[i];
                    double denominator = Math.Sqrt(spread + options.EpsilonInsideSqrt) + options.Epsilon;
                    buffer[i] = options.Momentum * buffer[i] + g / denominator;
                    p[i] -= options.LearningRate * (options.Momentum != 0 ? buffer[i] : g / denominator);
                }
            }
            var actual = parameter.detach().data<double>().ToArray();
            for (int i = 0; i < p.Length; i++)
                Assert.AreEqual(p[i], actual[i], 1e-12 * Math.Max(1, Math.Abs(p[i])), $"{name}, fused {fused}: element {i}");
            Assert.IsGreaterThan(1e-5, Math.Abs(p[4] - Start[4]), $"{name}: the parameters must move for the test to mean something.");
            var state = optimizer.StateOf(parameter);
            Assert.AreEqual(square[4], state["square_avg"].data<double>()[4], 1e-14, $"{name}: square_avg");
            Assert.AreEqual(options.Centered, state.ContainsKey("grad_avg"), $"{name}: grad_avg kept only when centered");
            if (options.Centered) Assert.AreEqual(average[4], state["grad_avg"].data<double>()[4], 1e-14, $"{name}: grad_avg");
            Assert.AreEqual(options.Momentum != 0, state.ContainsKey("momentum_buffer"), $"{name}: momentum_buffer kept only with momentum");
        }
    }

    [TestMethod]
    public void CenteringDividesByTheStandardDeviationNotTheRootMeanSquare()
    {
        using var tensors = NewDisposeScope();
        // Two steps of the gradient 1 with alpha 0.5: the averages start at zero, so at step 2 E[g^2] = 0.75 and E[g] = 0.75.
        // Centered RMSProp divides by sqrt(E[g^2] - E[g]^2) = sqrt(0.1875), the plain one by sqrt(E[g^2]) = sqrt(0.75).
        var centered = new OptimizerOptions { Kind = OptimizerKind.RmsProp, LearningRate = 1e-3, Alpha = 0.5, Epsilon = 0.01, Centered = true };
        using var one = 1.0.ToScalar();
        double Step2(OptimizerOptions options)
        {
            using var parameter = new Parameter(tensor(new[] { 0.0 }, ScalarType.Float64));
            using var optimizer = new PlasticOptimizer([parameter], options);
            double before = 0;
            for (int t = 0; t < 2; t++)
            {
                before = parameter.detach().data<double>()[0];
                optimizer.ZeroGrad();
                using (no_grad()) parameter.grad!.fill_(one);
                optimizer.Step();
            }
            return before - parameter.detach().data<double>()[0];
        }
        Assert.AreEqual(1e-3 / (Math.Sqrt(0.1875) + 0.01), Step2(centered), 1e-15);
        Assert.AreEqual(1e-3 / (Math.Sqrt(0.75) + 0.01), Step2(centered with { Centered = false }), 1e-15);
    }

    [TestMethod]
    public void CenteredNeedsRmsPropAndTheTorchSharpOneHasNoEpsilonInside()
    {
        var adamCentered = new OptimizerOptions { Kind = OptimizerKind.Adam, Centered = true };
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(adamCentered.Validate).Message, "Centered");
        var badAlpha = new OptimizerOptions { Kind = OptimizerKind.RmsProp, Alpha = 1.0 };
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(badAlpha.Validate).Message, "Alpha");
        var torchInside = new OptimizerOptions { Kind = OptimizerKind.RmsProp, EpsilonInsideSqrt = 1e-4, Implementation = OptimizerImplementation.TorchSharp };
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(torchInside.Validate).Message, "EpsilonInsideSqrt");
    }
}

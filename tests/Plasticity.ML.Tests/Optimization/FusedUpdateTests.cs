using Plasticity.ML.Networks;
using Plasticity.ML.Optimization;
using Parameter = TorchSharp.Modules.Parameter;
using static TorchSharp.torch;

namespace Plasticity.ML.Tests.Optimization;

/// <summary>The fused single-pass update computes the same step as the tensor-op formulation and as the formula.</summary>
[TestClass]
public sealed class FusedUpdateTests
{
    public static IEnumerable<object[]> Configurations =>
    [
        ["Adam", new OptimizerOptions { Kind = OptimizerKind.Adam, LearningRate = 1e-2 }],
        ["Adam+L2+epsBar", new OptimizerOptions { Kind = OptimizerKind.Adam, LearningRate = 1e-2, WeightDecay = 0.01, EpsilonInsideSqrt = 1e-6 }],
        ["Adam beta2 0.9 eps 1e-3", new OptimizerOptions { Kind = OptimizerKind.Adam, LearningRate = 1e-2, Beta2 = 0.9, Epsilon = 1e-3 }],
        ["AdamW", new OptimizerOptions { Kind = OptimizerKind.AdamW, LearningRate = 1e-2, WeightDecay = 0.05 }],
        ["SGD", new OptimizerOptions { Kind = OptimizerKind.Sgd, LearningRate = 0.05 }],
        ["SGD-momentum+L2", new OptimizerOptions { Kind = OptimizerKind.Sgd, LearningRate = 0.05, Momentum = 0.9, WeightDecay = 1e-3 }],
        ["SGD-nesterov", new OptimizerOptions { Kind = OptimizerKind.Sgd, LearningRate = 0.05, Momentum = 0.9, Nesterov = true }],
        ["RMSProp-centered", new OptimizerOptions { Kind = OptimizerKind.RmsProp, LearningRate = 1e-2, Alpha = 0.95, Epsilon = 0.01, Centered = true }],
        ["RMSProp+momentum+L2+epsBar", new OptimizerOptions { Kind = OptimizerKind.RmsProp, LearningRate = 3e-3, Momentum = 0.5, WeightDecay = 1e-3, EpsilonInsideSqrt = 1e-4 }],
    ];

    [TestMethod]
    [DynamicData(nameof(Configurations))]
    public void FusedPassMatchesTensorOperationsOnANetwork(string name, OptimizerOptions options)
    {
        using var tensors = NewDisposeScope();
        var spec = OptimizerTestNetworks.Spec(layerNorm: true);
        using var fusedNetwork = NetworkFactory.Create(spec, 7);
        using var tensorNetwork = NetworkFactory.Create(spec, 7);
        using var initial = cat(fusedNetwork.parameters().Select(p => p.detach().flatten()).ToArray());
        using var fused = new PlasticOptimizer(fusedNetwork.parameters(), options);
        using var byTensors = new PlasticOptimizer(tensorNetwork.parameters(), options) { UseFusedUpdate = false };
        Assert.IsTrue(fused.UseFusedUpdate, "On the CPU the fused update is the default.");
        var (inputs, labels) = OptimizerTestNetworks.Data(64, 11);
        using (inputs)
        using (labels)
        {
            for (int step = 0; step < 50; step++)
            {
                using var scope = NewDisposeScope();
                var x = inputs.narrow(0, step * 16 % 64, 16);
                var y = labels.narrow(0, step * 16 % 64, 16);
                foreach (var (network, optimizer) in new[] { (fusedNetwork, fused), (tensorNetwork, byTensors) })
                {
                    optimizer.ZeroGrad();
                    nn.functional.cross_entropy(network.forward(x), y).backward();
                    optimizer.Step();
                }
            }
        }
        using var a = cat(fusedNetwork.parameters().Select(p => p.detach().flatten()).ToArray());
        using var b = cat(tensorNetwork.parameters().Select(p => p.detach().flatten()).ToArray());
        double distance = OptimizerTestNetworks.RelativeDistance(a, b);
        Assert.IsLessThanOrEqualTo(1e-6, distance, $"{name}: fused and tensor-op updates differ by {distance:E2} (relative).");
        Assert.IsGreaterThan(1e-3, OptimizerTestNetworks.RelativeDistance(a, initial), $"{name}: training barely moved the parameters.");
    }

    [TestMethod]
    public void AdamInFloat64FollowsTheFormulaExactly()
    {
        using var tensors = NewDisposeScope();
        // Three steps of Adam with coupled decay and both epsilons, computed element by element from the formula.
        double[] start = [0.5, -1.25, 2.0, 0.0, -0.75, 3.5, 1e-3, -2.5, 0.25];
        double[][] gradients =
        [
            [0.1, -0.2, 0.3, 0.0, 1.5, -0.4, 2.0, -1e-4, 0.05],
            [-0.3, 0.1, 0.2, 0.7, -1.0, 0.0, 0.5, 0.3, -0.05],
            [0.2, 0.2, -0.6, -0.1, 0.4, 0.9, -2.0, 0.1, 0.0],
        ];
        var options = new OptimizerOptions { Kind = OptimizerKind.Adam, LearningRate = 0.1, Beta1 = 0.8, Beta2 = 0.95, Epsilon = 1e-3, EpsilonInsideSqrt = 1e-4, WeightDecay = 0.1 };
        using var parameter = new Parameter(tensor(start, ScalarType.Float64));
        using var optimizer = new PlasticOptimizer([parameter], options);
        double[] p = (double[])start.Clone(), m = new double[start.Length], v = new double[start.Length];
        for (int t = 1; t <= gradients.Length; t++)
        {
            optimizer.ZeroGrad();
            using (no_grad()) parameter.grad!.copy_(tensor(gradients[t - 1], ScalarType.Float64));
            optimizer.Step();
            for (int i = 0; i < p.Length; i++)
            {
                double g = gradients[t - 1][i] + options.WeightDecay * p[i];
                m[i] = options.Beta1 * m[i] + (1 - options.Beta1) * g;
                v[i] = options.Beta2 * v[i] + (1 - options.Beta2) * g * g;
                double mHat = m[i] / (1 - Math.Pow(options.Beta1, t));
                double vHat = v[i] / (1 - Math.Pow(options.Beta2, t));
                p[i] -= options.LearningRate * mHat / (Math.Sqrt(vHat + options.EpsilonInsideSqrt) + options.Epsilon);
            }
        }
        var actual = parameter.detach().data<double>().ToArray();
        for (int i = 0; i < p.Length; i++)
            Assert.AreEqual(p[i], actual[i], 1e-12 * Math.Max(1, Math.Abs(p[i])), $"element {i}");
        Assert.AreEqual(m[4], optimizer.StateOf(parameter)["exp_avg"].data<double>()[4], 1e-12);
    }

    [TestMethod]
    public void SplittingAcrossThreadsGivesBitIdenticalResults()
    {
        using var tensors = NewDisposeScope();
        // 300,001 elements: large enough to be split across two workers, with an odd tail.
        const int Length = 300_001;
        var gradient = new float[Length];
        var random = new Random(3);
        for (int i = 0; i < Length; i++) gradient[i] = (float)(random.NextDouble() - 0.5);
        float[] Run(int threads)
        {
            int previous = TorchThreads.Current;
            TorchThreads.Set(threads);
            try
            {
                using var parameter = new Parameter(ones(Length));
                using var optimizer = new PlasticOptimizer([parameter], new OptimizerOptions { Kind = OptimizerKind.AdamW, LearningRate = 0.01, WeightDecay = 0.1 });
                for (int step = 0; step < 3; step++)
                {
                    optimizer.ZeroGrad();
                    using (no_grad()) parameter.grad!.copy_(tensor(gradient));
                    optimizer.Step();
                }
                return parameter.detach().data<float>().ToArray();
            }
            finally
            {
                TorchThreads.Set(previous);
            }
        }
        var one = Run(1);
        var two = Run(2);
        CollectionAssert.AreEqual(one, two);
        Assert.AreNotEqual(1f, one[Length - 1], "The tail element must have been updated.");
    }
}

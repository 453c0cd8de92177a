using Plasticity.ML.Common;
using Plasticity.ML.Networks;
using Plasticity.ML.Optimization;
using static TorchSharp.torch;

namespace Plasticity.ML.Tests.Optimization;

/// <summary>The flat-buffer optimizer follows torch.optim's trajectory on a real network.</summary>
[TestClass]
public sealed class PlasticOptimizerTrajectoryTests
{
    private const int Steps = 200;
    private const double Tolerance = 1e-5;

    public static IEnumerable<object[]> Configurations =>
    [
        ["Adam", new OptimizerOptions { Kind = OptimizerKind.Adam, LearningRate = 1e-3 }, false],
        ["Adam+L2", new OptimizerOptions { Kind = OptimizerKind.Adam, LearningRate = 1e-3, WeightDecay = 0.01 }, true],
        ["AdamW", new OptimizerOptions { Kind = OptimizerKind.AdamW, LearningRate = 1e-3, WeightDecay = 0.05 }, false],
        ["SGD-momentum", new OptimizerOptions { Kind = OptimizerKind.Sgd, LearningRate = 0.05, Momentum = 0.9 }, false],
        ["SGD-nesterov+L2", new OptimizerOptions { Kind = OptimizerKind.Sgd, LearningRate = 0.05, Momentum = 0.9, Nesterov = true, WeightDecay = 1e-3 }, true],
        // MinAtar's reference DQN optimizer (lr raised so that 200 steps move the weights well past the tolerance).
        ["RMSProp-centered (MinAtar)", new OptimizerOptions { Kind = OptimizerKind.RmsProp, LearningRate = 2.5e-3, Alpha = 0.95, Epsilon = 0.01, Centered = true }, false],
        ["RMSProp", new OptimizerOptions { Kind = OptimizerKind.RmsProp, LearningRate = 1e-3 }, true],
        ["RMSProp-centered+momentum+L2", new OptimizerOptions { Kind = OptimizerKind.RmsProp, LearningRate = 1e-3, Alpha = 0.9, Momentum = 0.5, Centered = true, WeightDecay = 1e-3 }, false],
    ];

    [TestMethod]
    [DynamicData(nameof(Configurations))]
    public void MatchesTorchSharpOver200Steps(string name, OptimizerOptions options, bool layerNorm)
    {
        var (ours, theirs, initial) = Train(options, layerNorm, useModuleZeroGrad: false);
        AssertSameTrajectory(name, ours, theirs, initial);
    }

    [TestMethod]
    public void StaysCorrectWhenTheModuleSetsGradientsToNone()
    {
        // Module.zero_grad() detaches .grad from the flat buffer (set to none); Step must notice and copy it back.
        var options = new OptimizerOptions { Kind = OptimizerKind.Adam, LearningRate = 1e-3 };
        var (ours, theirs, initial) = Train(options, layerNorm: false, useModuleZeroGrad: true);
        AssertSameTrajectory("Adam with Module.zero_grad", ours, theirs, initial);
    }

    private static void AssertSameTrajectory(string name, Tensor[] ours, Tensor[] theirs, Tensor[] initial)
    {
        for (int i = 0; i < ours.Length; i++)
        {
            double distance = OptimizerTestNetworks.RelativeDistance(ours[i], theirs[i]);
            Assert.IsLessThanOrEqualTo(Tolerance, distance, $"{name}: parameter {i} differs from TorchSharp by {distance:E2} (relative).");
            // Guard against a vacuous pass: training must have moved the parameter far more than the tolerance.
            double moved = OptimizerTestNetworks.RelativeDistance(theirs[i], initial[i]);
            Assert.IsGreaterThan(100 * Tolerance, moved, $"{name}: parameter {i} barely moved ({moved:E2}); the test would not detect a difference.");
        }
    }

    private static (Tensor[] Ours, Tensor[] Theirs, Tensor[] Initial) Train(OptimizerOptions options, bool layerNorm, bool useModuleZeroGrad)
    {
        var spec = OptimizerTestNetworks.Spec(layerNorm);
        using var oursNetwork = NetworkFactory.Create(spec, 42);
        using var theirNetwork = NetworkFactory.Create(spec, 42);
        var initial = theirNetwork.parameters().Select(p => p.DetachedCopy()).ToArray();
        using var ours = new PlasticOptimizer(oursNetwork.parameters(), options with { Implementation = OptimizerImplementation.Plastic });
        using var theirs = new TorchSharpOptimizer(theirNetwork.parameters(), options with { Implementation = OptimizerImplementation.TorchSharp });
        var (inputs, labels) = OptimizerTestNetworks.Data(256, 3);
        using (inputs)
        using (labels)
        {
            for (int step = 0; step < Steps; step++)
            {
                using var scope = NewDisposeScope();
                var x = inputs.narrow(0, step * 32 % 256, 32);
                var y = labels.narrow(0, step * 32 % 256, 32);
                if (useModuleZeroGrad) oursNetwork.zero_grad();
                else ours.ZeroGrad();
                nn.functional.cross_entropy(oursNetwork.forward(x), y).backward();
                ours.Step();
                theirs.ZeroGrad();
                nn.functional.cross_entropy(theirNetwork.forward(x), y).backward();
                theirs.Step();
            }
        }
        return (oursNetwork.parameters().Select(p => p.detach().clone()).ToArray(),
            theirNetwork.parameters().Select(p => p.detach().clone()).ToArray(), initial);
    }
}

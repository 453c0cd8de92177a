using Plasticity.ML.Interventions;
using Plasticity.ML.Networks;
using Plasticity.ML.Optimization;
using Plasticity.ML.Tasks;
using Plasticity.ML.Training;
using Plasticity.ML.Common;
using static TorchSharp.torch;

namespace Plasticity.ML.Tests.Training;

[TestClass]
public sealed class ResetInterventionTests
{
    private static (PlasticNetwork Net, IPlasticOptimizer Optimizer, TrainingContext Context) Setup()
    {
        var options = new ContinualTrainingOptions
        {
            Network = new NetworkSpec { InputShape = [6], HiddenWidths = [5, 4], Head = new HeadSpec { Outputs = 2 } },
        };
        var net = NetworkFactory.Create(options.Network, seed: 1);
        var optimizer = OptimizerFactory.Create(options.Optimizer, net.parameters());
        using var x = rand(8, 6);
        optimizer.ZeroGrad();
        using (var scope = NewDisposeScope()) net.forward(x).Squared().mean().backward();
        optimizer.Step();
        return (net, optimizer, new TrainingContext(net, optimizer, options.Seed) { TaskIndex = 1 });
    }

    [TestMethod]
    public void ResetLastLayerChangesExactlyTheOutputLayerAndItsOptimizerState()
    {
        using var tensors = NewDisposeScope();
        var (net, optimizer, context) = Setup();
        var before = net.parameters().Select(p => p.clone()).ToList();
        var stateBefore = net.parameters().Select(p => optimizer.StateOf(p)["exp_avg"].clone()).ToList();

        var hook = new ResetSpec { Layers = 1 }.CreateHook();
        hook.OnTaskStart(context);

        var after = net.parameters().ToList();
        int outputStart = after.Count - 2; // output weight and bias are the last two parameters
        for (int i = 0; i < after.Count; i++)
        {
            bool same = after[i].SameValues(before[i]);
            bool stateZero = optimizer.StateOf(after[i])["exp_avg"].count_nonzero().item<long>() == 0;
            if (i < outputStart)
            {
                Assert.IsTrue(same, $"hidden parameter {i} must not change");
                Assert.IsTrue(optimizer.StateOf(after[i])["exp_avg"].SameValues(stateBefore[i]));
            }
            else
            {
                Assert.IsFalse(same, $"output parameter {i} must be re-drawn");
                Assert.IsTrue(stateZero, $"output parameter {i} optimizer state must be zeroed");
            }
        }
        double bound = 1.0 / Math.Sqrt(4);
        Assert.IsLessThanOrEqualTo(bound, net.OutputLayer.weight!.abs().max().item<float>());
    }

    [TestMethod]
    public void ResetDoesNotActAtTheStartOfTheFirstTask()
    {
        var (net, _, context) = Setup();
        context.TaskIndex = 0;
        var before = net.OutputLayer.weight!.clone();
        new ResetSpec { Layers = 1 }.CreateHook().OnTaskStart(context);
        Assert.IsTrue(net.OutputLayer.weight!.SameValues(before));
    }

    [TestMethod]
    public void ResetAllRedrawsEveryLayerAndForgetsAllOptimizerState()
    {
        var (net, optimizer, context) = Setup();
        var before = net.parameters().Select(p => p.clone()).ToList();
        new ResetSpec { Layers = 0 }.CreateHook().OnTaskStart(context);
        var after = net.parameters().ToList();
        for (int i = 0; i < after.Count; i++) Assert.IsFalse(after[i].SameValues(before[i]), $"parameter {i}");
        Assert.AreEqual(0, optimizer.StepCount);
        Assert.IsTrue(after.All(p => optimizer.StateOf(p).Count == 0));
    }

    [TestMethod]
    public void PeriodicResetActsEveryNSteps()
    {
        var (net, _, context) = Setup();
        var hook = new ResetSpec { Layers = 1, Timing = InterventionTiming.Every(3) }.CreateHook();
        var before = net.OutputLayer.weight!.clone();
        context.GlobalStep = 2;
        hook.AfterStep(context);
        Assert.IsTrue(net.OutputLayer.weight!.SameValues(before));
        context.GlobalStep = 3;
        hook.AfterStep(context);
        Assert.IsFalse(net.OutputLayer.weight!.SameValues(before));
    }
}

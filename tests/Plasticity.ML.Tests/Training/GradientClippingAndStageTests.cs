using Plasticity.ML.Interventions;
using Plasticity.ML.Networks;
using Plasticity.ML.Optimization;
using Plasticity.ML.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Plasticity.ML.Tests.Training;

/// <summary>Gradient-norm clipping before the optimizer step, and stage boundaries of the step protocol.</summary>
[TestClass]
public sealed class GradientClippingAndStageTests
{
    private static PlasticNetwork Network() =>
        NetworkFactory.Create(new NetworkSpec { InputShape = [3], HiddenWidths = [4], Head = new HeadSpec { Outputs = 2 } }, seed: 1);

    /// <summary>Fills every gradient with <paramref name="value"/>: the global norm is |value| sqrt(parameters).</summary>
    private static void SetGradients(IPlasticOptimizer optimizer, float value)
    {
        optimizer.ZeroGrad();
        using var noGrad = no_grad();
        using var fill = value.ToScalar();
        foreach (var p in optimizer.Parameters)
        {
            using var g = p.grad;
            if (g is not null)
            {
                using var filled = full_like(g, fill);
                g.copy_(filled);
            }
            else
            {
                p.grad = full_like(p, fill);
            }
        }
    }

    private static double[] Gradients(IPlasticOptimizer optimizer) =>
        optimizer.Parameters.SelectMany(p =>
        {
            using var g = p.grad!;
            return g.FloatValues().Select(v => (double)v);
        }).ToArray();

    [TestMethod]
    [DataRow(OptimizerImplementation.Plastic)]
    [DataRow(OptimizerImplementation.TorchSharp)]
    public void AGradientAboveTheMaximumIsScaledToItAndOneBelowIsLeftAlone(OptimizerImplementation implementation)
    {
        using var network = Network();
        using var optimizer = OptimizerFactory.Create(new OptimizerOptions { Implementation = implementation }, network.parameters());
        long n = network.ParameterCount; // 3*4+4 + 4*2+2 = 26
        Assert.AreEqual(26L, n);
        var hook = new GradientClippingHook(maxNorm: 2.0);
        var context = new TrainingContext(network, optimizer, seed: 0);

        // Every gradient 1: norm sqrt(26) = 5.099 > 2, so each becomes 2 / (sqrt(26) + 1e-6).
        SetGradients(optimizer, 1f);
        hook.AfterBackward(context);
        Assert.AreEqual(Math.Sqrt(26), hook.LastNorm, 1e-5);
        Assert.AreEqual(1L, hook.ClippedSteps);
        double expected = 2.0 / (Math.Sqrt(26) + 1e-6);
        foreach (var g in Gradients(optimizer)) Assert.AreEqual(expected, g, 1e-6);
        Assert.AreEqual(2.0, Math.Sqrt(Gradients(optimizer).Sum(g => g * g)), 1e-5);

        // Every gradient 0.1: norm 0.51 < 2, nothing changes.
        SetGradients(optimizer, 0.1f);
        hook.AfterBackward(context);
        Assert.AreEqual(0.1 * Math.Sqrt(26), hook.LastNorm, 1e-6);
        Assert.AreEqual(1L, hook.ClippedSteps);
        foreach (var g in Gradients(optimizer)) Assert.AreEqual(0.1, g, 1e-7);
    }

    [TestMethod]
    public void TheClippingBoundIsCheckedAtTheDoor()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new GradientClippingHook(0));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new GradientClippingHook(double.PositiveInfinity));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new GradientClippingHook(double.NaN));
    }

    /// <summary>Records, at each task start, the task index, stage index and whether it starts a stage.</summary>
    private sealed class StageRecorder : TrainingHook
    {
        public List<(int Task, int Stage, bool StartsStage)> Starts { get; } = [];

        public override void OnTaskStart(TrainingContext context) => Starts.Add((context.TaskIndex, context.StageIndex, context.StartsStage));
    }

    [TestMethod]
    public void AStageBoundaryIsATaskBoundaryThatAdvancesTheStageAndTriggersOnlyStageTimedInterventions()
    {
        using var network = Network();
        using var optimizer = OptimizerFactory.Create(new OptimizerOptions(), network.parameters());
        var recorder = new StageRecorder();
        var session = new TrainingSession(network, optimizer, [recorder], seed: 0);
        session.Start();
        session.BeginTask(0, null);
        session.EndTask();
        session.BeginTask(1, null);
        session.EndTask();
        session.BeginTask(2, null, startsStage: true);
        Assert.IsFalse(session.Context.StartsStage, "the flag holds only while the hooks see the task start");
        session.EndTask();
        session.BeginTask(3, null);
        CollectionAssert.AreEqual(new[] { (0, 0, false), (1, 0, false), (2, 1, true), (3, 1, false) }, recorder.Starts);

        var stage = InterventionTiming.AtStageBoundaries;
        var task = InterventionTiming.AtTaskBoundaries;
        var context = new TrainingContext(network, optimizer, 0) { };
        Assert.IsFalse(stage.ActsAtTaskStart(context));
        Assert.IsFalse(stage.ActsAfterStep(1000));
        Assert.AreEqual(InterventionTrigger.StageBoundary, stage.Trigger);
        Assert.IsFalse(task.ActsAtTaskStart(context), "task 0 starts no boundary");
    }

    [TestMethod]
    public void AResetAtStageBoundariesActsAtTheStageStartOnly()
    {
        using var tensors = NewDisposeScope();
        using var network = Network();
        using var optimizer = OptimizerFactory.Create(new OptimizerOptions(), network.parameters());
        var reset = new ResetSpec { Layers = 1, Timing = InterventionTiming.AtStageBoundaries };
        var session = new TrainingSession(network, optimizer, [reset.CreateHook()], seed: 3);
        session.Start();
        Tensor Head() => network.ParameterLayers[^1].parameters().First().detach().clone();
        session.BeginTask(0, null);
        var before = Head();
        session.EndTask();
        session.BeginTask(1, null);
        Assert.IsTrue(before.SameValues(Head()), "an ordinary task boundary leaves the head alone");
        session.EndTask();
        session.BeginTask(2, null, startsStage: true);
        Assert.IsFalse(before.SameValues(Head()), "the stage boundary resets the head");
    }

    [TestMethod]
    public void StepwiseInterventionsRefuseAStageBoundaryTiming()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => new SamSpec { Timing = InterventionTiming.AtStageBoundaries }.Validate());
        StringAssert.Contains(e.Message, "StageBoundary");
    }
}

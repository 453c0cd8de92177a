using Plasticity.ML.Data;
using Plasticity.ML.Interventions;
using Plasticity.ML.Networks;
using Plasticity.ML.Optimization;
using Plasticity.ML.Tasks;
using Plasticity.ML.Training;
using static TorchSharp.torch;

namespace Plasticity.ML.Tests.Interventions;

[TestClass]
public sealed class RandomWalkTests
{
    private static readonly ImageDataset Data = FashionMnist.LoadEmbedded().Subset(128, seed: 4);
    private const double LearningRate = 0.05;

    /// <summary>
    /// Records, independently of the walk, each step's would-be SGD norm lr * ||grad|| (after backward), the
    /// gradient itself, and the displacement the parameters actually made (after every hook's AfterStep).
    /// </summary>
    private sealed class StepRecorder : TrainingHook
    {
        private Tensor? before;
        private Tensor? gradient;

        public List<double> SgdNorms { get; } = [];
        public List<double> Displacements { get; } = [];
        public List<double> CosinesWithGradient { get; } = [];

        public override void AfterBackward(TrainingContext context)
        {
            using var tensors = NewDisposeScope();
            using var noGrad = no_grad();
            var ps = context.Optimizer.Parameters;
            // Kept for AfterStep, past this method's scope.
            gradient?.Dispose();
            before?.Dispose();
            gradient = cat(ps.Select(p => p.grad!.reshape(-1).to_type(ScalarType.Float64)).ToArray(), 0).DetachFromDisposeScope();
            before = cat(ps.Select(p => p.detach().reshape(-1).to_type(ScalarType.Float64)).ToArray(), 0).DetachFromDisposeScope();
            SgdNorms.Add(LearningRate * gradient.norm().item<double>());
        }

        public override void AfterStep(TrainingContext context)
        {
            using var tensors = NewDisposeScope();
            using var noGrad = no_grad();
            var after = cat(context.Optimizer.Parameters.Select(p => p.detach().reshape(-1).to_type(ScalarType.Float64)).ToArray(), 0);
            var delta = after - before!;
            Displacements.Add(delta.norm().item<double>());
            CosinesWithGradient.Add(((delta * gradient!).sum() / (delta.norm() * gradient!.norm())).item<double>());
        }
    }

    private static (StepRecorder Recorder, float[] Final) Run(bool randomWalk, int steps = 6, long seed = 3)
    {
        var options = new ContinualTrainingOptions
        {
            Network = new NetworkSpec { InputShape = [784], HiddenWidths = [16], Head = new HeadSpec { Kind = HeadKind.Classification, Outputs = 10 } },
            Optimizer = new OptimizerOptions { Kind = OptimizerKind.Sgd, LearningRate = LearningRate },
            BatchSize = 32,
            StepsPerTask = steps,
            Seed = seed,
            Interventions = randomWalk ? [new RandomWalkSpec()] : [],
        };
        using var trainer = new ContinualTrainer(options);
        var recorder = new StepRecorder();
        trainer.AddHook(recorder);
        trainer.Run(TaskSequence.Create(new TaskSequenceSpec { Kind = TaskSequenceKind.ClassPermutation, Tasks = 2 }, Data));
        return (recorder, trainer.Network.parameters().SelectMany(p => p.FloatValues()).ToArray());
    }

    [TestMethod]
    public void EveryRandomStepHasTheNormOfTheSgdStepFromTheSamePoint()
    {
        var (walk, _) = Run(randomWalk: true);
        Assert.HasCount(12, walk.Displacements);
        for (int i = 0; i < walk.Displacements.Count; i++)
        {
            Assert.IsTrue(walk.SgdNorms[i] > 0);
            Assert.AreEqual(walk.SgdNorms[i], walk.Displacements[i], 1e-4 * walk.SgdNorms[i], $"step {i}: |random step| = lr |grad|");
            // A random direction in ~12,000 dimensions is nearly orthogonal to the gradient (|cos| ~ 1e-2).
            Assert.IsLessThan(0.1, Math.Abs(walk.CosinesWithGradient[i]), $"step {i} is not along the gradient");
        }
    }

    [TestMethod]
    public void TheWalkStartsWithGradientDescentsFirstStepNormButNotItsDirection()
    {
        var (walk, _) = Run(randomWalk: true);
        var (descent, _) = Run(randomWalk: false);
        // Same initialization and same first batch: the first step norms agree exactly (to float32 round-off).
        Assert.AreEqual(descent.Displacements[0], walk.Displacements[0], 1e-4 * descent.Displacements[0]);
        // Plain SGD moves exactly against the gradient.
        Assert.AreEqual(-1.0, descent.CosinesWithGradient[0], 1e-5);
    }

    [TestMethod]
    public void TheSameSeedGivesTheSameWalkAndAnotherSeedAnother()
    {
        var (_, a) = Run(randomWalk: true, steps: 3, seed: 8);
        var (_, b) = Run(randomWalk: true, steps: 3, seed: 8);
        var (_, c) = Run(randomWalk: true, steps: 3, seed: 9);
        CollectionAssert.AreEqual(a, b);
        CollectionAssert.AreNotEqual(a, c);
    }

    [TestMethod]
    public void OnlyEveryStepTimingIsAccepted()
    {
        new RandomWalkSpec().Validate();
        var bad = new RandomWalkSpec { Timing = InterventionTiming.AtTaskBoundaries };
        var error = Assert.ThrowsExactly<ArgumentException>(bad.Validate);
        StringAssert.Contains(error.Message, "Timing");
    }
}

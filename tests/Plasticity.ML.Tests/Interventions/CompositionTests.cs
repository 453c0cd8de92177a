using Plasticity.ML.Data;
using Plasticity.ML.Interventions;
using Plasticity.ML.Networks;
using Plasticity.ML.Tasks;
using Plasticity.ML.Training;
using Plasticity.ML.Common;
using static TorchSharp.torch;
using static Plasticity.ML.Tests.Interventions.InterventionTestKit;

namespace Plasticity.ML.Tests.Interventions;

[TestClass]
public sealed class CompositionTests
{
    /// <summary>Records the parameters when task 0 ends and, after the interventions, when task 1 starts.</summary>
    private sealed class BoundaryRecorder : TrainingHook
    {
        public Tensor[] BeforeBoundary { get; private set; } = [];

        public Tensor[] AfterBoundary { get; private set; } = [];

        public override void OnTaskEnd(TrainingContext context)
        {
            if (context.TaskIndex == 0) BeforeBoundary = Snapshot(context.Network);
        }

        public override void OnTaskStart(TrainingContext context)
        {
            if (context.TaskIndex == 1) AfterBoundary = Snapshot(context.Network);
        }
    }

    private static BoundaryRecorder Run(params InterventionSpec[] interventions)
    {
        // A synthetic 32-image, 4x4-pixel, 3-class dataset keeps the run instant.
        var random = new Random(1);
        var pixels = Enumerable.Range(0, 32 * 16).Select(_ => (float)random.NextDouble()).ToArray();
        var data = new ImageDataset("synthetic", pixels, Enumerable.Range(0, 32).Select(i => i % 3).ToArray(), [4, 4], 3);
        var tasks = TaskSequence.Create(new TaskSequenceSpec { Kind = TaskSequenceKind.RandomLabels, Tasks = 2, Seed = 3 }, data);
        var recorder = new BoundaryRecorder();
        using var trainer = new ContinualTrainer(new ContinualTrainingOptions
        {
            Network = new NetworkSpec { InputShape = [16], HiddenWidths = [4], Head = new HeadSpec { Kind = HeadKind.Classification, Outputs = 3 } },
            BatchSize = 8,
            StepsPerTask = 2,
            Seed = 4,
            Interventions = interventions,
        });
        trainer.AddHook(recorder).Run(tasks);
        return recorder;
    }

    [TestMethod]
    public void InterventionsActInListOrderAndBeforeExtraHooks()
    {
        var shrink = new ShrinkPerturbSpec { Lambda = 0.5, Sigma = 0 };
        var reset = new ResetSpec { Layers = 1 };
        var shrinkThenReset = Run(shrink, reset);
        var resetThenShrink = Run(reset, shrink);

        // Identical runs up to the boundary.
        for (int i = 0; i < 4; i++) AssertClose(shrinkThenReset.BeforeBoundary[i], resetThenShrink.BeforeBoundary[i], 0, $"parameter {i} before the boundary");
        // The hidden layer is only shrunk, whatever the order.
        for (int i = 0; i < 2; i++)
        {
            AssertClose(shrinkThenReset.BeforeBoundary[i].Times(0.5), shrinkThenReset.AfterBoundary[i], 0, $"hidden parameter {i}, shrink then reset");
            AssertClose(resetThenShrink.BeforeBoundary[i].Times(0.5), resetThenShrink.AfterBoundary[i], 0, $"hidden parameter {i}, reset then shrink");
        }
        // The output layer: shrink then reset leaves the fresh draw R; reset then shrink leaves 0.5 R.
        for (int i = 2; i < 4; i++)
        {
            AssertClose(shrinkThenReset.AfterBoundary[i].Times(0.5), resetThenShrink.AfterBoundary[i], 0, $"output parameter {i}");
            Assert.IsGreaterThan(1e-3, MaxAbsDifference(shrinkThenReset.AfterBoundary[i], resetThenShrink.AfterBoundary[i]), "the order must matter here");
            Assert.IsGreaterThan(1e-3, MaxAbsDifference(shrinkThenReset.BeforeBoundary[i].Times(0.5), shrinkThenReset.AfterBoundary[i]), "the reset must replace the output layer");
        }
    }
}

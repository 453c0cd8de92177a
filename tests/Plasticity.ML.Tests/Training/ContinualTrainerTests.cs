using Plasticity.ML.Common;
using Plasticity.ML.Data;
using Plasticity.ML.Diagnostics;
using Plasticity.ML.Interventions;
using Plasticity.ML.Networks;
using Plasticity.ML.Optimization;
using Plasticity.ML.Tasks;
using Plasticity.ML.Training;

namespace Plasticity.ML.Tests.Training;

[TestClass]
public sealed class ContinualTrainerTests
{
    private static readonly ImageDataset Data = FashionMnist.LoadEmbedded().Subset(500, seed: 2);

    private static ContinualTrainingOptions Options(HeadSpec head, int steps = 150) => new()
    {
        Network = new NetworkSpec { HiddenWidths = [32], Head = head },
        Optimizer = new OptimizerOptions { LearningRate = 3e-3 },
        BatchSize = 32,
        StepsPerTask = steps,
        Seed = 11,
    };

    [TestMethod]
    public void TheTrainerLearnsALearnableTask()
    {
        var tasks = TaskSequence.Create(new TaskSequenceSpec { Kind = TaskSequenceKind.ClassPermutation, Tasks = 1 }, Data);
        using var trainer = new ContinualTrainer(Options(new HeadSpec { Kind = HeadKind.Classification, Outputs = 10 }));
        var result = trainer.Run(tasks);
        var task = result.Tasks.Single();
        Assert.IsLessThan(Math.Log(10) * 0.5, task.FinalTrainLoss, "The loss falls well below chance (ln 10).");
        Assert.IsGreaterThan(0.7, task.FinalTrainAccuracy);
        Assert.IsGreaterThan(0.3, task.OnlineAccuracy);
    }

    [TestMethod]
    public void RegressionAndTwoHotHeadsLearnLabelTasksAsOneHotValues()
    {
        var tasks = TaskSequence.Create(new TaskSequenceSpec { Kind = TaskSequenceKind.ClassPermutation, Tasks = 1 }, Data);
        foreach (var head in new[] { new HeadSpec { Kind = HeadKind.Regression, Outputs = 10 }, new HeadSpec { Kind = HeadKind.TwoHot, Outputs = 10, Bins = 11, Min = -1, Max = 2 } })
        {
            using var trainer = new ContinualTrainer(Options(head, steps: 200));
            var task = trainer.Run(tasks).Tasks.Single();
            Assert.IsGreaterThan(0.6, task.FinalTrainAccuracy, head.Kind.ToString());
        }
    }

    [TestMethod]
    public void TheSameSeedGivesTheSameNumbers()
    {
        var spec = new TaskSequenceSpec { Kind = TaskSequenceKind.RandomLabels, Tasks = 2 };
        var options = Options(new HeadSpec { Kind = HeadKind.Regression, Outputs = 10 }, steps: 20) with
        {
            Probe = new ProbeOptions { Targets = 1, Steps = 10, Inputs = 64 },
        };
        ContinualRunResult Run()
        {
            using var trainer = new ContinualTrainer(options);
            return trainer.Run(TaskSequence.Create(spec, Data));
        }
        var a = Run();
        var b = Run();
        CollectionAssert.AreEqual(a.Tasks.Select(t => t.FinalTrainLoss).ToArray(), b.Tasks.Select(t => t.FinalTrainLoss).ToArray());
        Assert.AreEqual(a.PlasticityLoss, b.PlasticityLoss);
        Assert.AreEqual(3, a.ProbePoints.Count(), "initial + after each of 2 tasks");
    }

    [TestMethod]
    public void ADivergingLossStopsTrainingWithAClearError()
    {
        var tasks = TaskSequence.Create(new TaskSequenceSpec { Kind = TaskSequenceKind.TargetOffsetDrift, Tasks = 1, OffsetStep = 0 }, Data);
        var options = Options(new HeadSpec { Kind = HeadKind.Regression, Outputs = 1 }) with
        {
            Optimizer = new OptimizerOptions { Kind = OptimizerKind.Sgd, LearningRate = 1e8 },
        };
        using var trainer = new ContinualTrainer(options);
        var e = Assert.ThrowsExactly<NonFiniteLossException>(() => trainer.Run(tasks));
        StringAssert.Contains(e.Message, "refusing to train");
        Assert.AreEqual(0, e.TaskIndex);
        Assert.IsGreaterThan(0L, e.GlobalStep);
        Assert.AreEqual(e.GlobalStep, e.StepInTask, "the first task's in-task step is the run's step");
        Assert.IsFalse(double.IsFinite(e.Value));
    }

    [TestMethod]
    public void NaNPixelsAreRejectedWhenTheDataIsBuilt()
    {
        var pixels = new float[4];
        pixels[2] = float.NaN;
        var e = Assert.ThrowsExactly<ArgumentException>(() => new ImageDataset("bad", pixels, [0], [1, 2, 2], 10));
        StringAssert.Contains(e.Message, "NaN");
    }

    [TestMethod]
    public void CancellationStopsTheRun()
    {
        var tasks = TaskSequence.Create(new TaskSequenceSpec { Tasks = 3 }, Data);
        using var trainer = new ContinualTrainer(Options(new HeadSpec { Kind = HeadKind.Classification, Outputs = 10 }, steps: 100_000));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        Assert.ThrowsExactly<OperationCanceledException>(() => trainer.Run(tasks, cancellationToken: cancel.Token));
    }

    [TestMethod]
    public void ProgressIsReportedUntilDone()
    {
        var tasks = TaskSequence.Create(new TaskSequenceSpec { Tasks = 2 }, Data);
        using var trainer = new ContinualTrainer(Options(new HeadSpec { Kind = HeadKind.Classification, Outputs = 10 }, steps: 20));
        var reports = new List<TrainingProgress>();
        trainer.Run(tasks, new InlineProgress<TrainingProgress>(reports.Add));
        Assert.IsGreaterThanOrEqualTo(20, reports.Count);
        Assert.AreEqual("done", reports[^1].Phase);
        Assert.AreEqual(1.0, reports[^1].Fraction);
    }

    [TestMethod]
    public void MismatchedHeadAndTaskAreRejected()
    {
        var tasks = TaskSequence.Create(new TaskSequenceSpec { Tasks = 1 }, Data);
        using var trainer = new ContinualTrainer(Options(new HeadSpec { Kind = HeadKind.Classification, Outputs = 5 }));
        var e = Assert.ThrowsExactly<ArgumentException>(() => trainer.Run(tasks));
        StringAssert.Contains(e.Message, "5 outputs");
    }

    [TestMethod]
    public void OptionsSurviveJsonRoundTrip()
    {
        var options = Options(new HeadSpec { Kind = HeadKind.TwoHot, Outputs = 10 }) with
        {
            Interventions = [new ResetSpec { Layers = 2, Timing = InterventionTiming.Every(50) }],
            Probe = new ProbeOptions { Targets = 4 },
        };
        var json = PlasticityJson.Serialize(options);
        var back = PlasticityJson.Deserialize<ContinualTrainingOptions>(json);
        Assert.AreEqual(json, PlasticityJson.Serialize(back));
        var reset = (ResetSpec)back.Interventions.Single();
        Assert.AreEqual(2, reset.Layers);
        Assert.AreEqual(InterventionTrigger.EveryNSteps, reset.Timing.Trigger);
        Assert.AreEqual(50, reset.Timing.Period);
    }

    [TestMethod]
    [DataRow(1, 1)]
    [DataRow(2, 2)]
    [DataRow(0, 1)] // automatic: a 784-32-10 network is far below the policy's multi-thread threshold
    public void TheRunSetsItsThreadsAndRestoresThePreviousSetting(int requested, int expected)
    {
        var tasks = TaskSequence.Create(new TaskSequenceSpec { Tasks = 1 }, Data);
        int previous = TorchThreads.Current;
        TorchThreads.Set(previous == 2 ? 1 : 2);
        int before = TorchThreads.Current;
        try
        {
            using var trainer = new ContinualTrainer(Options(new HeadSpec { Kind = HeadKind.Classification, Outputs = 10 }, steps: 2) with { Threads = requested });
            var recorder = new ThreadRecorder();
            trainer.AddHook(recorder);
            trainer.Run(tasks);
            Assert.AreEqual(expected, recorder.Threads);
            Assert.AreEqual(before, TorchThreads.Current, "The process-wide setting is restored after the run.");
        }
        finally
        {
            TorchThreads.Set(previous);
        }
    }

    private sealed class ThreadRecorder : TrainingHook
    {
        public int Threads { get; private set; }

        public override void OnTrainingStart(TrainingContext context) => Threads = TorchThreads.Current;
    }
}

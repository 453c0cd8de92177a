using System.Text.Json.Nodes;
using Plasticity.ML.Common;
using Plasticity.ML.Data;
using Plasticity.ML.Diagnostics;
using Plasticity.ML.Interventions;
using Plasticity.ML.Interventions.Churn;
using Plasticity.ML.Interventions.Parameterization;
using Plasticity.ML.Interventions.Resets;
using Plasticity.ML.Networks;
using Plasticity.ML.Optimization;
using Plasticity.ML.Tasks;
using Plasticity.ML.Training;
using Plasticity.ML.Training.Checkpoints;

namespace Plasticity.ML.Tests.Training.Checkpoints;

[TestClass]
public sealed class ResumeTests
{
    private static readonly ImageDataset Data = Synthetic();

    /// <summary>Stands for the process being killed: thrown from a progress report in the middle of training.</summary>
    private sealed class SimulatedCrash : Exception;

    /// <summary>Collects reports and "kills" the run at the <c>crashAt</c>-th training report.</summary>
    private sealed class Reports(int crashAt = int.MaxValue) : IProgress<TrainingProgress>
    {
        private int trainReports;

        public List<TrainingProgress> All { get; } = [];

        public void Report(TrainingProgress value)
        {
            All.Add(value);
            if (value.Phase == "train" && ++trainReports == crashAt) throw new SimulatedCrash();
        }
    }

    private static ImageDataset Synthetic()
    {
        var random = new Random(3);
        var pixels = Enumerable.Range(0, 64 * 16).Select(_ => (float)random.NextDouble()).ToArray();
        return new ImageDataset("synthetic", pixels, Enumerable.Range(0, 64).Select(i => i % 4).ToArray(), [4, 4], 4);
    }

    /// <summary>Every kind of hook state at once: anchors, utilities, power-iteration vectors, counters, artifacts.</summary>
    private static ContinualTrainingOptions Options(double learningRate = 1e-2) => new()
    {
        Network = new NetworkSpec { InputShape = [16], HiddenWidths = [8, 6], Head = new HeadSpec { Kind = HeadKind.Regression, Outputs = 4 } },
        Optimizer = new OptimizerOptions { LearningRate = learningRate },
        BatchSize = 8,
        StepsPerTask = 20,
        Seed = 17,
        Probe = new ProbeOptions { Targets = 1, Steps = 8, Inputs = 32, CurvePoints = 2 },
        Statistics = new StatisticsPanelOptions
        {
            ActivationSamples = 32, CurvatureSamples = 16, PowerIterations = 2, LanczosSteps = 3, TraceProbes = 1,
            CovarianceSamples = 6, NtkSamples = 4, KeepArtifacts = true,
        },
        Interventions =
        [
            new L2InitSpec { Lambda = 1e-2 },
            new ContinualBackpropSpec { ReplacementRate = 0.05, MaturityThreshold = 5, Timing = InterventionTiming.EveryStep },
            new ReDoSpec { Tau = 0.3, Samples = 16, Timing = InterventionTiming.Every(7) },
            new ShrinkPerturbSpec(),
            new SamSpec { Rho = 0.05 },
            new SpectralNormSpec { Layer = 1 },
        ],
    };

    /// <summary>
    /// The catalogue's stateful methods at once: injected heads (frozen networks), the tortoise, C-CHAIN's previous network,
    /// random stream and loss windows, normalize-and-project's initial norms, a layer-reset counter, TRAC's reference,
    /// Delta and tuners, and the panel's initial parameters and churn meter.
    /// </summary>
    private static ContinualTrainingOptions CatalogueOptions() => Options() with
    {
        Optimizer = new OptimizerOptions { LearningRate = 1e-2, Trac = new TracOptions() },
        Interventions =
        [
            new PlasticityInjectionSpec { HeadLayers = 2, MaxInjections = 2, Timing = InterventionTiming.Every(13) },
            new HareTortoiseSpec { Momentum = 0.9, Timing = InterventionTiming.Every(11) },
            new ChurnReductionSpec { ReferenceBatch = 8, AdaptAfterSteps = 5 },
            LayerResetSpec.Bbf(headLayers: 1, timing: InterventionTiming.Every(17)),
            new NormalizeAndProjectSpec(),
            new WeightClippingSpec { Kappa = 3 },
            new ParsevalRegularizationSpec(),
        ],
    };

    private static TaskSequence Tasks() =>
        TaskSequence.Create(new TaskSequenceSpec { Kind = TaskSequenceKind.RandomLabels, Tasks = 3, Seed = 2 }, Data);

    private static (ContinualRunResult Result, IReadOnlyList<StatisticsPanelArtifact> Artifacts) Run(RunCheckpointing? checkpointing, Reports? reports = null,
        ContinualTrainingOptions? options = null)
    {
        using var trainer = new ContinualTrainer(options ?? Options());
        var result = trainer.Run(Tasks(), checkpointing, reports);
        return (result, trainer.StatisticsPanel!.Artifacts);
    }

    /// <summary>The result as JSON without timings: what must be equal bit for bit.</summary>
    private static string Numbers<T>(T value) => ResultNumbers.Of(value);

    private static string TempPath() => Path.Combine(Path.GetTempPath(), $"plasticity-resume-{Guid.NewGuid():N}.checkpoint");

    [TestMethod]
    [DataRow(3, DisplayName = "killed in the first task, after a step checkpoint")]
    [DataRow(10, DisplayName = "killed at the end of the first task")]
    [DataRow(17, DisplayName = "killed in the middle of the second task")]
    [DataRow(29, DisplayName = "killed in the last task")]
    public void AKilledRunResumesFromItsCheckpointAndEndsWithTheNumbersOfAnUninterruptedRun(int crashAtReport)
    {
        var uninterrupted = Run(null);
        string path = TempPath();
        try
        {
            var checkpointing = new RunCheckpointing { Path = path, EverySteps = 3 };
            Assert.ThrowsExactly<SimulatedCrash>(() => Run(checkpointing, new Reports(crashAtReport)));
            Assert.IsTrue(File.Exists(path), "a checkpoint was written before the crash");

            var reports = new Reports();
            var resumed = Run(checkpointing, reports);
            var resumedReport = reports.All.Single(r => r.Phase == "resumed");
            StringAssert.Contains(resumedReport.Message, path);
            Assert.IsTrue(resumedReport.TaskIndex > 0 || resumedReport.StepInTask > 0, "it resumed past the start");

            Assert.AreEqual(Numbers(uninterrupted.Result), Numbers(resumed.Result));
            Assert.AreEqual(Numbers(uninterrupted.Artifacts), Numbers(resumed.Artifacts), "the statistics artifacts of the points before the crash are kept");
            Assert.IsFalse(File.Exists(path), "a finished run removes its checkpoint");
        }
        finally
        {
            Checkpoint.Delete(path);
        }
    }

    [TestMethod]
    public void ACancelledRunCheckpointsWhereItStoppedInsideATaskAndResumesToTheSameNumbers() =>
        // Cancelled after step 40 of the first task: the trainer looks every 32 steps, so it stops at step 64.
        CancelCheckpointAndResume(p => p.Phase == "train" && p.TaskIndex == 0 && p.StepInTask == 40,
            taskIndex: 0, stepInTask: 64, "the cancellation's step, inside the first task", "no checkpoint was written on cancellation");

    [TestMethod]
    public void ACancellationDuringAProbePointStopsTheRunAtTheTaskBoundaryAfterItCheckpointedThere() =>
        // Ctrl+C while the probe after the first task runs (not the initial probe, which reports step 0).
        CancelCheckpointAndResume(p => p.Phase == "probe" && p.TaskIndex == 0 && p.StepInTask == 80,
            taskIndex: 1, stepInTask: 0, "the first task, its probe point included, is in the checkpoint", "no checkpoint was written at the boundary");

    /// <summary>
    /// Runs tasks of 80 steps with no periodic checkpoint (so only the cancellation or a task boundary writes one),
    /// cancels when <paramref name="cancelWhen"/> first holds, checks where the checkpoint stands, and resumes to the
    /// numbers of an uninterrupted run.
    /// </summary>
    private static void CancelCheckpointAndResume(Func<TrainingProgress, bool> cancelWhen, int taskIndex, int stepInTask, string position, string missing)
    {
        var options = Options() with { StepsPerTask = 80 };
        using var trainer = new ContinualTrainer(options);
        var uninterrupted = trainer.Run(Tasks());
        string path = TempPath();
        try
        {
            var checkpointing = new RunCheckpointing { Path = path, Interval = TimeSpan.FromDays(1) };
            using var cancel = new CancellationTokenSource();
            var cancelling = new InlineProgress<TrainingProgress>(p => { if (cancelWhen(p)) cancel.Cancel(); });
            using (var first = new ContinualTrainer(options))
                Assert.ThrowsExactly<OperationCanceledException>(() => first.Run(Tasks(), checkpointing, cancelling, cancel.Token));
            var description = JsonNode.Parse(Checkpoint.ReadDescription(path) ?? throw new AssertFailedException(missing))!;
            Assert.AreEqual(taskIndex, description["taskIndex"]!.GetValue<int>(), position);
            Assert.AreEqual(stepInTask, description["stepInTask"]!.GetValue<int>(), position);

            using var second = new ContinualTrainer(options);
            var resumed = second.Run(Tasks(), checkpointing);
            Assert.AreEqual(Numbers(uninterrupted), Numbers(resumed));
        }
        finally
        {
            Checkpoint.Delete(path);
        }
    }

    [TestMethod]
    public void AKeptCheckpointHoldsTheFinishedRunWhichTheSameRunReturnsWithoutTrainingAgain()
    {
        string path = TempPath();
        try
        {
            var checkpointing = new RunCheckpointing { Path = path, KeepWhenFinished = true };
            var first = Run(checkpointing);
            var reports = new Reports();
            var again = Run(checkpointing, reports);
            StringAssert.Contains(reports.All.Single(r => r.Phase == "resumed").Message, "after its last task");
            Assert.IsFalse(reports.All.Any(r => r.Phase is "train" or "probe"), "nothing is trained or probed again");
            Assert.AreEqual(Numbers(first.Result), Numbers(again.Result));
        }
        finally
        {
            Checkpoint.Delete(path);
        }
    }

    [TestMethod]
    [DataRow(4, DisplayName = "catalogue: killed in the first task")]
    [DataRow(14, DisplayName = "catalogue: killed after the first injection")]
    [DataRow(27, DisplayName = "catalogue: killed after the second injection")]
    public void ARunWithTheCataloguesStatefulMethodsResumesBitForBit(int crashAtReport)
    {
        var options = CatalogueOptions();
        var uninterrupted = Run(null, options: options);
        string path = TempPath();
        try
        {
            var checkpointing = new RunCheckpointing { Path = path, EverySteps = 3 };
            Assert.ThrowsExactly<SimulatedCrash>(() => Run(checkpointing, new Reports(crashAtReport), options));
            var reports = new Reports();
            var resumed = Run(checkpointing, reports, options);
            Assert.AreEqual(1, reports.All.Count(r => r.Phase == "resumed"));
            Assert.AreEqual(Numbers(uninterrupted.Result), Numbers(resumed.Result));
            Assert.AreEqual(Numbers(uninterrupted.Artifacts), Numbers(resumed.Artifacts));
            Assert.IsTrue(uninterrupted.Result.ProbePoints.Skip(1).All(p => p.Statistics.ContainsKey("churn") && p.Statistics.ContainsKey("distanceFromInit")),
                "the panel's churn and distance are part of what resumes");
        }
        finally
        {
            Checkpoint.Delete(path);
        }
    }

    [TestMethod]
    public void ADamagedCheckpointIsReportedAndTheRunContinuesFromThePreviousOne()
    {
        var uninterrupted = Run(null);
        string path = TempPath();
        try
        {
            var checkpointing = new RunCheckpointing { Path = path, EverySteps = 4 };
            Assert.ThrowsExactly<SimulatedCrash>(() => Run(checkpointing, new Reports(24)));
            Assert.IsTrue(File.Exists(Checkpoint.PreviousPath(path)));
            var bytes = File.ReadAllBytes(path);
            File.WriteAllBytes(path, bytes[..(bytes.Length * 2 / 3)]);

            var reports = new Reports();
            var resumed = Run(checkpointing, reports);
            var warning = reports.All.Single(r => r.Phase == "warning");
            StringAssert.Contains(warning.Message, path);
            Assert.AreEqual(1, reports.All.Count(r => r.Phase == "resumed"), "it resumed from the previous generation, not from zero");
            Assert.AreEqual(Numbers(uninterrupted.Result), Numbers(resumed.Result));
        }
        finally
        {
            Checkpoint.Delete(path);
        }
    }

    [TestMethod]
    public void ACheckpointOfOtherSettingsIsNotResumed()
    {
        string path = TempPath();
        try
        {
            var checkpointing = new RunCheckpointing { Path = path, EverySteps = 5 };
            Assert.ThrowsExactly<SimulatedCrash>(() => Run(checkpointing, new Reports(12)));
            var other = Options(learningRate: 3e-2);
            var reports = new Reports();
            var fresh = Run(checkpointing, reports, other);
            StringAssert.Contains(reports.All.Single(r => r.Phase == "warning").Message, "other settings");
            Assert.IsFalse(reports.All.Any(r => r.Phase == "resumed"));
            Assert.AreEqual(Numbers(Run(null, options: other).Result), Numbers(fresh.Result));
        }
        finally
        {
            Checkpoint.Delete(path);
        }
    }
}

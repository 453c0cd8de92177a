using Plasticity.ML.Diagnostics;
using Plasticity.ML.Optimization;
using Plasticity.ML.Search.Objectives;
using Plasticity.ML.Search.Trials;
using Plasticity.ML.Search.Tuners;

namespace Plasticity.ML.Tests.Search.Experiment;

[TestClass]
public sealed class TrialExecutorTests
{
    private string folder = "";
    private StreamReference data = null!;

    [TestInitialize]
    public void Create()
    {
        folder = SearchFixtures.TempFolder("trials");
        data = SearchFixtures.Write(folder);
    }

    [TestCleanup]
    public void Remove() => SearchFixtures.Delete(folder);

    [TestMethod]
    public void ATrialLearnsItsWindowsScoresEachNextOneFirstAndAveragesItsSpan()
    {
        var outcome = TrialExecutor.Execute(SearchFixtures.Spec(data, "a", fidelity: 3, checkpoint: Path.Combine(folder, "a")));
        Assert.AreEqual(TrialStatus.Completed, outcome.Status, outcome.Error);
        CollectionAssert.AreEqual(new[] { 1, 2, 3 }, outcome.Scores.Select(s => s.Window).ToArray(), "window w+1 is scored after learning window w; window 0 never");
        Assert.AreEqual(outcome.Scores.Average(s => s.Accuracy), outcome.Metric, 1e-15);
        foreach (var s in outcome.Scores)
        {
            Assert.AreEqual(48, s.Samples);
            Assert.IsTrue(s.Accuracy is >= 0 and <= 1 && double.IsFinite(s.Loss));
        }
        Assert.IsTrue(File.Exists(Path.Combine(folder, "a", "trial.json")));
        Assert.IsTrue(File.Exists(Path.Combine(folder, "a", "state.checkpoint")));
        Assert.AreEqual(3, outcome.Fidelity);
        Assert.AreEqual(0, outcome.StartFidelity);
        Assert.IsNull(outcome.Note);
    }

    [TestMethod]
    public void AContinuedTrialEndsBitForBitWhereATrialTrainedStraightThroughEnds()
    {
        var straight = TrialExecutor.Execute(SearchFixtures.Spec(data, "straight", fidelity: 5));
        var first = TrialExecutor.Execute(SearchFixtures.Spec(data, "first", fidelity: 2, checkpoint: Path.Combine(folder, "first")));
        var continued = TrialExecutor.Execute(SearchFixtures.Spec(data, "continued", fidelity: 5, start: 2, resumeFrom: Path.Combine(folder, "first")));
        Assert.AreEqual(TrialStatus.Completed, continued.Status, continued.Error);
        Assert.IsNull(continued.Note, "the checkpoint was usable");
        Assert.AreEqual(2, continued.StartFidelity);
        CollectionAssert.AreEqual(new[] { 3, 4, 5 }, continued.Scores.Select(s => s.Window).ToArray());
        // Same weights, optimizer state and mini-batch stream: the same numbers as the uninterrupted trial.
        CollectionAssert.AreEqual(straight.Scores.Skip(2).ToArray(), continued.Scores.ToArray());
        CollectionAssert.AreEqual(straight.Scores.Take(2).ToArray(), first.Scores.ToArray());
        // The objective covers the windows the continued trial trained for itself (3 to 5).
        Assert.AreEqual(straight.Scores.Skip(2).Average(s => s.Accuracy), continued.Metric, 1e-15);
    }

    [TestMethod]
    public void AMissingOrUnfitCheckpointMeansTrainingFromScratchToTheSameNumbers()
    {
        var straight = TrialExecutor.Execute(SearchFixtures.Spec(data, "straight", fidelity: 4));
        var missing = TrialExecutor.Execute(SearchFixtures.Spec(data, "missing", fidelity: 4, start: 2, resumeFrom: Path.Combine(folder, "nothing-here")));
        Assert.AreEqual(TrialStatus.Completed, missing.Status, missing.Error);
        StringAssert.Contains(missing.Note, "trained from scratch");
        Assert.AreEqual(0, missing.StartFidelity);
        CollectionAssert.AreEqual(straight.Scores.ToArray(), missing.Scores.ToArray());
        Assert.AreEqual(straight.Scores.Skip(2).Average(s => s.Accuracy), missing.Metric, 1e-15, "still the windows of its span (3, 4)");

        // A wider network cannot continue from a narrower one's weights (a PBT exploit that explored the width).
        TrialExecutor.Execute(SearchFixtures.Spec(data, "narrow", fidelity: 2, checkpoint: Path.Combine(folder, "narrow")));
        var wide = SearchFixtures.Options with { Network = SearchFixtures.Options.Network with { HiddenWidths = [24] } };
        var widened = TrialExecutor.Execute(SearchFixtures.Spec(data, "wide", fidelity: 3, options: wide, start: 2, resumeFrom: Path.Combine(folder, "narrow")));
        Assert.AreEqual(TrialStatus.Completed, widened.Status, widened.Error);
        StringAssert.Contains(widened.Note, "network spec differs");

        // A damaged state file is not continued from either.
        File.WriteAllText(Path.Combine(folder, "narrow", "state.checkpoint"), "damaged");
        var damaged = TrialExecutor.Execute(SearchFixtures.Spec(data, "damaged", fidelity: 3, start: 2, resumeFrom: Path.Combine(folder, "narrow")));
        StringAssert.Contains(damaged.Note, "does not match its SHA-256");
    }

    [TestMethod]
    public void ADivergingTrialFailsWithItsErrorInsteadOfScoring()
    {
        var diverging = SearchFixtures.Options with { Optimizer = new OptimizerOptions { Kind = OptimizerKind.Sgd, LearningRate = 1e12 } };
        var outcome = TrialExecutor.Execute(SearchFixtures.Spec(data, "nan", fidelity: 3, options: diverging));
        Assert.AreEqual(TrialStatus.Failed, outcome.Status);
        Assert.IsTrue(double.IsNaN(outcome.Metric));
        StringAssert.Contains(outcome.Error, "NonFiniteLossException");
        var result = outcome.ToTrialResult(0, StreamObjective.MeanAccuracy);
        Assert.AreEqual(TrialStatus.Failed, result.Status);
        result.Validate();
    }

    [TestMethod]
    public void ExceptionsAndBadSpecsBecomeFailedOutcomesNotThrows()
    {
        var throwing = SearchFixtures.Spec(data, "throws", fidelity: 4) with { Learner = LearnerTypes.NameOf<ThrowingLearnerFactory>() };
        var outcome = TrialExecutor.Execute(throwing);
        Assert.AreEqual(TrialStatus.Failed, outcome.Status);
        Assert.AreEqual("InvalidOperationException: test failure while learning window 2", outcome.Error);

        var tooFar = TrialExecutor.Execute(SearchFixtures.Spec(data, "too-far", fidelity: 7));
        Assert.AreEqual(TrialStatus.Failed, tooFar.Status);
        StringAssert.Contains(tooFar.Error, "Fidelity must lie in (StartFidelity = 0, Windows = 6]; got 7");

        var unknown = TrialExecutor.Execute(SearchFixtures.Spec(data, "unknown", fidelity: 2) with { Learner = "No.Such.Factory, NoSuchAssembly" });
        StringAssert.Contains(unknown.Error, "cannot be found in this process");

        var otherData = TrialExecutor.Execute(SearchFixtures.Spec(data with { Sha256 = new string('0', 64) }, "other-data", fidelity: 2));
        StringAssert.Contains(otherData.Error, "the file changed since it was referenced");
    }

    [TestMethod]
    public void ThePlasticityObjectiveIsTheProbeLossAfterMinusAtInitialization()
    {
        var options = SearchFixtures.Options with { Probe = new ProbeOptions { Targets = 1, Steps = 10, Inputs = 32, BatchSize = 16, CurvePoints = 0 } };
        var objective = new StreamObjective { Metric = ObjectiveMetric.PlasticityLoss };
        var outcome = TrialExecutor.Execute(SearchFixtures.Spec(data, "probe", fidelity: 2, options: options, objective: objective, checkpoint: Path.Combine(folder, "probe")));
        Assert.AreEqual(TrialStatus.Completed, outcome.Status, outcome.Error);
        Assert.AreEqual(outcome.FinalProbeLoss!.Value - outcome.InitialProbeLoss!.Value, outcome.Metric, 0.0);
        // A continued trial inherits the initial probe loss of its lineage.
        var continued = TrialExecutor.Execute(SearchFixtures.Spec(data, "probe-2", fidelity: 3, options: options, objective: objective, start: 2, resumeFrom: Path.Combine(folder, "probe")));
        Assert.AreEqual(outcome.InitialProbeLoss, continued.InitialProbeLoss);
        Assert.IsNull(continued.Note);
    }

    [TestMethod]
    public void SpecsAndOutcomesRoundTripThroughJson()
    {
        var spec = SearchFixtures.Spec(data, "json", fidelity: 2, start: 1, resumeFrom: "/x/y", checkpoint: "/x/z") with
        {
            TrialId = 7,
            Parameters = SearchFixtures.Space.Default,
        };
        var back = TrialSpec.FromJson(spec.ToJson());
        Assert.AreEqual(spec.ToJson(), back.ToJson());
        Assert.AreEqual(spec.Parameters, back.Parameters);
        var outcome = TrialExecutor.Execute(SearchFixtures.Spec(data, "o", fidelity: 2));
        Assert.AreEqual(outcome.ToJson(), TrialOutcome.FromJson(outcome.ToJson()).ToJson());
    }
}

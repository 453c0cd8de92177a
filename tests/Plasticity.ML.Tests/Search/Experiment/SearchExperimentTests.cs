using System.Text.Json;
using Plasticity.ML.Optimization;
using Plasticity.ML.Search.Experiment;
using Plasticity.ML.Search.Objectives;
using Plasticity.ML.Search.Runners;
using Plasticity.ML.Search.Space;
using Plasticity.ML.Search.Trials;
using Plasticity.ML.Search.Tuners;
using Plasticity.ML.Search.Tuners.Asha;
using Plasticity.ML.Search.Tuners.CostFrugal;
using Plasticity.ML.Search.Tuners.PopulationBased;
using Plasticity.ML.Training;

namespace Plasticity.ML.Tests.Search.Experiment;

[TestClass]
public sealed class SearchExperimentTests : SearchFolderTests
{
    /// <summary>Six windows: the search tunes on the first four (trials learn up to 3), windows 4 and 5 are held out.</summary>
    private SearchExperiment Experiment(string folder, ITuner tuner, SearchBudget budget, int parallel = 2, ISearchMonitor? monitor = null, ITrialRunner? runner = null)
    {
        var experiment = new SearchExperiment()
            .SetData(Data, tuningWindows: 4)
            .SetTrainingOptions(SearchFixtures.Options)
            .SetSearchSpace(SearchFixtures.Space)
            .SetTuner(tuner)
            .SetBudget(budget)
            .SetParallelism(parallel)
            .SetCheckpointFolder(folder)
            .SetRunner(runner ?? new InProcessTrialRunner(parallel));
        return monitor is null ? experiment : experiment.SetMonitor(monitor);
    }

    private static RandomSearchTuner Random(long seed = 3) => new(SearchFixtures.Space, new RandomSearchOptions { Direction = OptimizationDirection.Maximize, Seed = seed });

    private static CostFrugalTuner Cfo() => new(SearchFixtures.Space, new CostFrugalOptions { Direction = OptimizationDirection.Maximize, Seed = 4 });

    [TestMethod]
    public async Task ASearchRecordsEveryTrialPicksTheBestAndReportsTheHeldOutWindows()
    {
        string folder = Folder("search");
        var result = await Experiment(folder, Random(), SearchBudget.Trials(4)).RunAsync();

        Assert.AreEqual(SearchStopReason.TrialBudget, result.StoppedBy);
        Assert.HasCount(4, result.History);
        var lines = File.ReadAllLines(Path.Combine(folder, "history.jsonl"));
        Assert.HasCount(1 + 4 + 4, lines, "the search line, then a proposal and a result per trial");
        using (var first = JsonDocument.Parse(lines[0])) Assert.AreEqual("search", first.RootElement.GetProperty("event").GetString());
        foreach (var trial in result.History)
        {
            Assert.AreEqual(TrialStatus.Completed, trial.Status, trial.Error);
            Assert.AreEqual(3, trial.Fidelity, "single-fidelity trials learn every tuning window but the last, which they score");
            CollectionAssert.AreEqual(new[] { 1, 2, 3 }, trial.Scores.Select(s => s.Window).ToArray(), "held-out windows are never read");
            double lr = trial.Parameters.GetNumber("Optimizer.LearningRate");
            Assert.IsTrue(lr is >= 1e-3 and <= 1e-1, "parameters in real units");
            Assert.IsTrue(Directory.Exists(Path.Combine(folder, "checkpoints", trial.Id.ToString())));
        }
        var best = result.History.OrderByDescending(t => t.Metric).ThenBy(t => t.Id).First();
        Assert.AreEqual(best.Id, result.Best!.Id);
        StringAssert.Contains(result.BestOptions, best.Parameters.GetNumber("Optimizer.LearningRate").ToString("R", System.Globalization.CultureInfo.InvariantCulture));

        // The held-out report: the best trial continued from its checkpoint, the defaults from scratch, both over the whole stream.
        var heldOut = result.HeldOut!;
        Assert.AreEqual(4, heldOut.FirstWindow);
        Assert.AreEqual(best.Id, heldOut.BestTrial);
        Assert.AreEqual(3, heldOut.Best.StartFidelity, "continued from the best trial's checkpoint");
        Assert.IsNull(heldOut.Best.Note);
        CollectionAssert.AreEqual(new[] { 4, 5 }, heldOut.Best.Scores.Select(s => s.Window).ToArray());
        CollectionAssert.AreEqual(new[] { 1, 2, 3, 4, 5 }, heldOut.Default.Scores.Select(s => s.Window).ToArray());
        Assert.AreEqual(heldOut.Best.Scores.Average(s => s.Accuracy), heldOut.BestMetric, 1e-15);
        Assert.AreEqual(heldOut.Default.Scores.Skip(3).Average(s => s.Accuracy), heldOut.DefaultMetric, 1e-15);
        Assert.AreEqual(heldOut.Best.Checkpoint, result.FinalCheckpoint);
        Assert.IsTrue(File.Exists(Path.Combine(folder, "holdout.json")));

        // Running the finished search again resumes it: nothing new runs and the result is the same.
        var again = await Experiment(folder, Random(), SearchBudget.Trials(4)).RunAsync();
        SearchHistoryAssert.Same(result, again);
        Assert.AreEqual(heldOut.BestMetric, again.HeldOut!.BestMetric);
    }

    [TestMethod]
    public async Task TheSameSeedAndADeterministicTunerGiveTheSameHistoryWithTrialsSideBySide()
    {
        var one = await Experiment(Folder("same-1"), Cfo(), SearchBudget.Trials(6), parallel: 2).RunAsync();
        var two = await Experiment(Folder("same-2"), Cfo(), SearchBudget.Trials(6), parallel: 2).RunAsync();
        SearchHistoryAssert.Same(one, two);
        Assert.IsGreaterThan(1, one.History.Select(t => t.Parameters).Distinct().Count(), "the tuner moved");
    }

    [TestMethod]
    public async Task ASearchStoppedByItsMonitorResumesLosingOnlyTheTrialsInFlightAndEndsAsAnUninterruptedOne()
    {
        var uninterrupted = await Experiment(Folder("whole"), Cfo(), SearchBudget.Trials(6)).RunAsync();

        string folder = Folder("killed");
        var killer = new KillingMonitor(afterFinished: 2);
        await Assert.ThrowsExactlyAsync<InvalidOperationException>(() => Experiment(folder, Cfo(), SearchBudget.Trials(6), monitor: killer).RunAsync());
        var killedLines = File.ReadAllLines(Path.Combine(folder, "history.jsonl"));
        Assert.AreEqual(2, killedLines.Count(l => l.Contains("\"event\":\"result\"", StringComparison.Ordinal)), "two results were recorded before the monitor stopped the search");
        int inFlight = killedLines.Count(l => l.Contains("\"event\":\"proposed\"", StringComparison.Ordinal)) - 2;
        Assert.IsTrue(inFlight is >= 1 and <= 2, "at most the degree of parallelism was in flight");

        var messages = new RecordingMonitor();
        var resumed = await Experiment(folder, Cfo(), SearchBudget.Trials(6), monitor: messages).RunAsync();
        SearchHistoryAssert.Same(uninterrupted, resumed);
        Assert.IsTrue(messages.Messages.Any(m => m.Contains("2 trial(s) recorded", StringComparison.Ordinal) && m.Contains($"{inFlight} that were running run again", StringComparison.Ordinal)),
            string.Join("\n", messages.Messages));
    }

    [TestMethod]
    public async Task FailedTrialsAreRecordedAsFailedWithTheirErrorAndTheSearchGoesOn()
    {
        var grid = new GridSearchTuner(SearchFixtures.Space, new GridSearchOptions
        {
            Direction = OptimizationDirection.Maximize,
            Values = new Dictionary<string, IReadOnlyList<ParameterValue>>
            {
                ["Optimizer.LearningRate"] = [0.01, 0.1],
                ["Network.Normalization"] = [ParameterValue.FromText("None")],
            },
        });
        // A custom mapping: rates above 0.05 become SGD at 1e12, whose loss turns NaN within a few steps.
        var experiment = new SearchExperiment()
            .SetData(Data, tuningWindows: 4)
            .SetTrainingOptions(SearchFixtures.Options, (o, p) => o with
            {
                Optimizer = p.GetNumber("Optimizer.LearningRate") > 0.05
                    ? new OptimizerOptions { Kind = OptimizerKind.Sgd, LearningRate = 1e12 }
                    : o.Optimizer with { LearningRate = p.GetNumber("Optimizer.LearningRate") },
            })
            .SetSearchSpace(SearchFixtures.Space)
            .SetTuner(grid)
            .SetBudget(SearchBudget.Trials(10))
            .SetRunner(new InProcessTrialRunner())
            .SetCheckpointFolder(Folder("failing"));
        var result = await experiment.RunAsync();

        Assert.AreEqual(SearchStopReason.TunerFinished, result.StoppedBy, "the grid of two points is exhausted");
        Assert.HasCount(2, result.History);
        Assert.AreEqual(TrialStatus.Completed, result.History[0].Status);
        Assert.AreEqual(TrialStatus.Failed, result.History[1].Status);
        StringAssert.Contains(result.History[1].Error, "NonFiniteLossException");
        Assert.IsTrue(double.IsNaN(result.History[1].Metric));
        Assert.AreEqual(0, result.Best!.Id, "a failed trial is never the best");
        var line = File.ReadAllLines(Path.Combine(result.Folder, "history.jsonl")).Last(l => l.Contains("\"trial\":1", StringComparison.Ordinal));
        StringAssert.Contains(line, "\"status\":\"Failed\"");
        StringAssert.Contains(line, "\"error\":");
    }

    [TestMethod]
    public async Task SettingsThatCannotLearnTheStreamFailTheirTrialOnly()
    {
        // A parameter set whose options the learner refuses (a head of the wrong size) is recorded as failed, not run.
        var space = new SearchSpace([new RangeParameter("Network.Head.Outputs", 2, 4, 3, isInteger: true)]);
        var grid = new GridSearchTuner(space, new GridSearchOptions { Direction = OptimizationDirection.Maximize, PointsPerRange = 3 });
        var result = await new SearchExperiment()
            .SetData(Data, tuningWindows: 4)
            .SetTrainingOptions(SearchFixtures.Options)
            .SetSearchSpace(space)
            .SetTuner(grid)
            .SetBudget(SearchBudget.Trials(3))
            .SetRunner(new InProcessTrialRunner())
            .SetHeldOutEvaluation(false)
            .SetCheckpointFolder(Folder("invalid"))
            .RunAsync();
        CollectionAssert.AreEqual(new TrialStatus?[] { TrialStatus.Failed, TrialStatus.Completed, TrialStatus.Failed }, result.History.Select(t => t.Status).ToArray());
        StringAssert.Contains(result.History[0].Error, "The settings are not valid");
        StringAssert.Contains(result.History[0].Error, "2 outputs");
        Assert.IsNull(result.HeldOut);
    }

    [TestMethod]
    public async Task WindowAndTimeBudgetsStopTheSearch()
    {
        var windows = await Experiment(Folder("windows"), Random(), new SearchBudget { MaxWindows = 7 }).RunAsync();
        Assert.AreEqual(SearchStopReason.WindowBudget, windows.StoppedBy);
        Assert.HasCount(3, windows.History, "3 trials of 3 windows reach 7; trials already started finish");

        var time = await Experiment(Folder("time"), Random(), new SearchBudget { MaxSeconds = 1e-9 }).RunAsync();
        Assert.AreEqual(SearchStopReason.TimeBudget, time.StoppedBy);
        Assert.IsEmpty(time.History);
        Assert.IsNull(time.Best);
    }

    [TestMethod]
    public async Task AshaPromotionsContinueTheirRungBelowTrial()
    {
        var asha = new AshaTuner(SearchFixtures.Space, new AshaOptions { Direction = OptimizationDirection.Maximize, Seed = 2, MinFidelity = 1, MaxFidelity = 3, ReductionFactor = 2 });
        var result = await Experiment(Folder("asha"), asha, SearchBudget.Trials(10)).RunAsync();
        var promoted = result.History.Where(t => t.ResumeFrom is not null).ToList();
        Assert.IsNotEmpty(promoted, "some configuration climbed a rung");
        foreach (var trial in promoted)
        {
            var below = result.History[trial.ResumeFrom!.Value];
            Assert.AreEqual(below.Fidelity, trial.StartFidelity);
            Assert.AreEqual(below.Parameters, trial.Parameters);
            Assert.IsNull(trial.Note, "continued from the checkpoint, not retrained");
            CollectionAssert.AreEqual(Enumerable.Range((int)trial.StartFidelity + 1, (int)(trial.Fidelity - trial.StartFidelity)).ToArray(), trial.Scores.Select(s => s.Window).ToArray());
        }
        Assert.AreEqual(3, result.Best!.Fidelity, "the best is taken among the trials of the top rung");
    }

    [TestMethod]
    public async Task PopulationBasedTrainingCopiesBetterMembersAndFinishes()
    {
        var pbt = new PopulationBasedTuner(SearchFixtures.Space, new PopulationBasedOptions
        {
            Direction = OptimizationDirection.Maximize, Seed = 6, PopulationSize = 4, Interval = 1, MaxFidelity = 3,
        });
        var result = await Experiment(Folder("pbt"), pbt, SearchBudget.Trials(50)).RunAsync();
        Assert.AreEqual(SearchStopReason.TunerFinished, result.StoppedBy);
        Assert.HasCount(12, result.History, "4 members x 3 generations");
        Assert.IsGreaterThan(0, pbt.Exploits);
        foreach (var trial in result.History.Where(t => t.ResumeFrom is not null))
        {
            Assert.AreEqual(trial.Fidelity - 1, trial.StartFidelity);
            Assert.HasCount(1, trial.Scores, "each generation learns one window and scores the next");
        }
        Assert.AreEqual(3, result.Best!.Fidelity);
    }

    [TestMethod]
    public async Task TheOptionsOwnSpaceIsTheDefaultAndTakesATunerBuiltOverIt()
    {
        var space = SearchExperiment.DefaultSpace(SearchFixtures.Options);
        CollectionAssert.AreEqual(
            new[] { "BatchSize", "Network.Activation", "Network.HiddenWidths", "Network.Normalization", "Optimizer.Beta2", "Optimizer.Epsilon", "Optimizer.LearningRate" },
            space.Parameters.Select(p => p.Name).ToArray(), "the head kind is left out for a classification head");
        Assert.AreEqual(16, space["Network.HiddenWidths"].Default.Number, "the options' values are the defaults");
        var asha = new AshaTuner(space, new AshaOptions { Direction = OptimizationDirection.Maximize, MaxFidelity = 3 });
        var result = await new SearchExperiment()
            .SetData(Data, tuningWindows: 4)
            .SetTrainingOptions(SearchFixtures.Options)
            .SetTuner(asha)
            .SetBudget(SearchBudget.Trials(2))
            .SetRunner(new InProcessTrialRunner())
            .SetHeldOutEvaluation(false)
            .SetCheckpointFolder(Folder("default-space"))
            .RunAsync();
        Assert.HasCount(2, result.History);
        Assert.AreEqual(space.Default, result.DefaultParameters);
    }

    private sealed class KillingMonitor(int afterFinished) : ISearchMonitor
    {
        public void OnTrialFinished(TrialRecord trial, SearchProgress progress)
        {
            if (progress.Finished >= afterFinished) throw new InvalidOperationException("stop the search here (a test)");
        }
    }

    private sealed class RecordingMonitor : ISearchMonitor
    {
        public List<string> Messages { get; } = [];

        public List<SearchProgress> Progress { get; } = [];

        public void OnMessage(string message) => Messages.Add(message);

        public void OnTrialFinished(TrialRecord trial, SearchProgress progress) => Progress.Add(progress);
    }
}

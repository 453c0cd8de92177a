using Plasticity.ML.Search;
using Plasticity.ML.Search.Experiment;
using Plasticity.ML.Search.Objectives;
using Plasticity.ML.Search.Runners;
using Plasticity.ML.Search.Space;
using Plasticity.ML.Search.Trials;
using Plasticity.ML.Search.Tuners;
using Plasticity.ML.Search.Tuners.Asha;
using Plasticity.ML.Tasks;
using Plasticity.ML.Tasks.Streams;

namespace Plasticity.ML.Tests.Search.Experiment;

[TestClass]
public sealed class SearchExperimentBadInputTests : SearchFolderTests
{
    private static RandomSearchTuner Random(SearchSpace? space = null, OptimizationDirection direction = OptimizationDirection.Maximize) =>
        new(space ?? SearchFixtures.Space, new RandomSearchOptions { Direction = direction, Seed = 1 });

    private SearchExperiment Valid(string? folder = null, SearchSpace? space = null, ITuner? tuner = null) => new SearchExperiment()
        .SetData(Data, tuningWindows: 4)
        .SetTrainingOptions(SearchFixtures.Options)
        .SetSearchSpace(space ?? SearchFixtures.Space)
        .SetTuner(tuner ?? Random(space))
        .SetBudget(SearchBudget.Trials(2))
        .SetRunner(new InProcessTrialRunner())
        .SetHeldOutEvaluation(false)
        .SetCheckpointFolder(folder ?? Folder("search"));

    private sealed class EmptyRangeOptions
    {
        [Range(0.5, 0.5)]
        public double Rate { get; set; } = 0.5;
    }

    [TestMethod]
    public void AnEmptyRangeOrALogRangeThroughZeroIsRefusedWhenTheSpaceIsBuilt()
    {
        var empty = Assert.ThrowsExactly<ArgumentException>(() => new RangeParameter("Optimizer.LearningRate", 0.01, 0.01));
        StringAssert.Contains(empty.Message, "\"Optimizer.LearningRate\": the range is empty");
        var fromAttribute = Assert.ThrowsExactly<ArgumentException>(() => SearchSpace.For<EmptyRangeOptions>());
        StringAssert.Contains(fromAttribute.Message, "\"Rate\": the range is empty; Min must be less than Max, got Min = 0.5, Max = 0.5");
        var log = Assert.ThrowsExactly<ArgumentException>(() => new RangeParameter("Optimizer.LearningRate", 0, 0.1, logBase: true));
        StringAssert.Contains(log.Message, "\"Optimizer.LearningRate\": a log-scale range must lie above 0; got Min = 0");
    }

    [TestMethod]
    public async Task AParameterTheOptionsDoNotHaveIsNamedBeforeAnythingRuns()
    {
        string folder = Folder("unknown");
        var space = new SearchSpace([new RangeParameter("Optimizer.LearnignRate", 1e-3, 1e-1, logBase: true)]);
        var e = await Assert.ThrowsExactlyAsync<ArgumentException>(() => Valid(folder, space).RunAsync());
        StringAssert.Contains(e.Message, "The search space does not fit the learner's options");
        StringAssert.Contains(e.Message, "\"Optimizer.LearnignRate\": OptimizerOptions has no public property or field named \"LearnignRate\"");
        Assert.IsFalse(Directory.Exists(folder), "nothing was written");
    }

    [TestMethod]
    public async Task ABudgetOfZeroOrNoBudgetIsRefused()
    {
        foreach (var (budget, field) in new (SearchBudget, string)[]
        {
            (new SearchBudget { MaxTrials = 0 }, "MaxTrials must be positive (or null for no limit); got 0"),
            (new SearchBudget { MaxSeconds = 0 }, "MaxSeconds must be positive and finite (or null for no limit); got 0"),
            (new SearchBudget { MaxWindows = 0 }, "MaxWindows must be positive (or null for no limit); got 0"),
            (new SearchBudget(), "A search needs a budget"),
        })
        {
            var e = Assert.ThrowsExactly<ArgumentException>(() => new SearchExperiment().SetBudget(budget));
            StringAssert.Contains(e.Message, field);
        }
        var none = new SearchExperiment().SetData(Data, 4).SetTrainingOptions(SearchFixtures.Options).SetRunner(new InProcessTrialRunner());
        StringAssert.Contains((await Assert.ThrowsExactlyAsync<ArgumentException>(() => none.RunAsync())).Message, "The search has no budget");
    }

    [TestMethod]
    public async Task ACorruptHistoryStopsTheSearchNamingTheLineAndIsLeftAlone()
    {
        string folder = Folder("corrupt");
        await Valid(folder).RunAsync();
        string history = Path.Combine(folder, "history.jsonl");
        var lines = File.ReadAllLines(history);
        lines[2] = "{\"event\":\"result\",\"trial\":0,\"status\":";
        File.WriteAllLines(history, lines);
        byte[] before = File.ReadAllBytes(history);
        byte[] state = File.ReadAllBytes(Path.Combine(folder, "state.json"));

        var e = await Assert.ThrowsExactlyAsync<InvalidDataException>(() => Valid(folder).RunAsync());
        StringAssert.Contains(e.Message, "history.jsonl line 3: it is not a valid history record");
        StringAssert.Contains(e.Message, "does not start over silently");
        CollectionAssert.AreEqual(before, File.ReadAllBytes(history), "the history is not rewritten");
        CollectionAssert.AreEqual(state, File.ReadAllBytes(Path.Combine(folder, "state.json")));

        // A result for a trial that was never proposed is caught too.
        lines[2] = lines[3].Replace("\"trial\":1", "\"trial\":9", StringComparison.Ordinal);
        File.WriteAllLines(history, lines);
        var never = await Assert.ThrowsExactlyAsync<InvalidDataException>(() => Valid(folder).RunAsync());
        StringAssert.Contains(never.Message, "line 3");

        // So is a missing tuner state.
        File.Delete(Path.Combine(folder, "state.json"));
        var missing = await Assert.ThrowsExactlyAsync<InvalidDataException>(() => Valid(folder).RunAsync());
        StringAssert.Contains(missing.Message, "has history.jsonl but no state.json");
    }

    [TestMethod]
    public async Task ALineTornByAKillIsDroppedWithAWarningAndTheSearchResumes()
    {
        string folder = Folder("torn");
        var first = await Valid(folder).RunAsync();
        File.AppendAllText(Path.Combine(folder, "history.jsonl"), "{\"event\":\"proposed\",\"tri");
        var monitor = new Messages();
        var again = await Valid(folder).SetMonitor(monitor).RunAsync();
        Assert.IsTrue(monitor.All.Any(m => m.Contains("is incomplete", StringComparison.Ordinal)), string.Join("\n", monitor.All));
        SearchHistoryAssert.Same(first, again);
    }

    [TestMethod]
    public async Task ResumingWithOtherSettingsIsRefusedNamingTheSetting()
    {
        string folder = Folder("other");
        await Valid(folder).RunAsync();
        var e = await Assert.ThrowsExactlyAsync<ArgumentException>(() => Valid(folder).SetSeed(99).RunAsync());
        StringAssert.Contains(e.Message, "holds a search with other settings (seed: it was 5, now 99)");
        var tuner = await Assert.ThrowsExactlyAsync<ArgumentException>(() => Valid(folder, tuner: new RandomSearchTuner(SearchFixtures.Space, new RandomSearchOptions { Direction = OptimizationDirection.Maximize, Seed = 2 })).RunAsync());
        StringAssert.Contains(tuner.Message, "does not fit this tuner");
    }

    [TestMethod]
    public async Task ExperimentLevelMistakesAreNamedAtTheDoor()
    {
        async Task<string> Fails(SearchExperiment experiment) => (await Assert.ThrowsExactlyAsync<ArgumentException>(() => experiment.RunAsync())).Message;

        StringAssert.Contains(await Fails(Valid(tuner: Random(direction: OptimizationDirection.Minimize))),
            "The tuner's direction is Minimize, but the objective (mean prequential accuracy) is to maximize");
        var otherSpace = new SearchSpace([new RangeParameter("Optimizer.LearningRate", 1e-4, 1e-1, logBase: true)]);
        StringAssert.Contains(await Fails(Valid(tuner: Random(otherSpace))), "The tuner searches another space than the experiment");
        var asha = new AshaTuner(SearchFixtures.Space, new AshaOptions { Direction = OptimizationDirection.Maximize, MaxFidelity = 4 });
        StringAssert.Contains(await Fails(Valid(tuner: asha)), "ASHA's MaxFidelity is 4 windows, but with 4 tuning windows a trial can learn at most 3");
        StringAssert.Contains(await Fails(Valid().SetData(Data, 7)), "The search tunes on 7 windows, but the stream has only 6");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => Valid().SetData(Data, 1)).Message, "tuningWindows must be at least 2");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => Valid().SetParallelism(0)).Message, "The degree of parallelism must be at least 1; got 0");
        StringAssert.Contains(await Fails(Valid().SetObjective(new StreamObjective { Metric = ObjectiveMetric.PlasticityLoss })
            .SetTuner(Random(direction: OptimizationDirection.Minimize))), "needs the plasticity probe: set Probe");
        StringAssert.Contains(await Fails(new SearchExperiment().SetTrainingOptions(SearchFixtures.Options).SetBudget(SearchBudget.Trials(1))), "The search has no data");
        StringAssert.Contains(await Fails(new SearchExperiment().SetData(Data, 4).SetBudget(SearchBudget.Trials(1))), "The search has no learner");

        var wrongInput = SearchFixtures.Options with { Network = SearchFixtures.Options.Network with { InputShape = [9] } };
        StringAssert.Contains(await Fails(Valid().SetTrainingOptions(wrongInput)), "gives 9 input features, but the stream 'synthetic (6 windows)' has 8");

        // Regression targets have no accuracy.
        var regression = new WindowStream("regression", 2, TargetKind.Regression, 1,
            [new StreamWindow([0f, 1f], [0.5f], 1), new StreamWindow([1f, 0f], [0.25f], 1), new StreamWindow([1f, 1f], [0f], 1)]);
        var regressionData = SearchFixtures.Write(Folder("regression"), regression);
        StringAssert.Contains(await Fails(Valid().SetData(regressionData, 3)), "has regression targets, which have no accuracy");

        Assert.ThrowsExactly<NotSupportedException>(() => new SearchExperiment().SetData(new StreamReference { Location = "https://example.com/stream.windows" }, 4));
    }

    [TestMethod]
    public void BadStreamsAreRefusedNamingTheWindowAndSample()
    {
        var nan = Assert.ThrowsExactly<ArgumentException>(() => new WindowStream("s", 2, TargetKind.ClassLabels, 2,
            [new StreamWindow([0f, 1f], [0]), new StreamWindow([float.NaN, 1f], [1])]));
        StringAssert.Contains(nan.Message, "feature 0 of sample 0 in window 1 is NaN");
        var label = Assert.ThrowsExactly<ArgumentException>(() => new WindowStream("s", 2, TargetKind.ClassLabels, 2, [new StreamWindow([0f, 1f, 1f, 1f], [0, 2])]));
        StringAssert.Contains(label.Message, "the label of sample 1 in window 0 is 2, outside [0, 2)");
        string path = Path.Combine(Folder("bad-file"), "x.windows");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "not a stream");
        StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => WindowStreamFile.Read(path)).Message, "does not start with PLWS");
    }

    private sealed class Messages : ISearchMonitor
    {
        public List<string> All { get; } = [];

        public void OnMessage(string message) => All.Add(message);
    }
}

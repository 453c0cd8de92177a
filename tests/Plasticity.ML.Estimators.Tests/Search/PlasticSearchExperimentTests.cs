using Microsoft.ML;
using Microsoft.ML.Data;
using Plasticity.ML.Common;
using Plasticity.ML.Estimators.Search;
using Plasticity.ML.Networks;
using Plasticity.ML.Search.Experiment;
using Plasticity.ML.Search.Objectives;
using Plasticity.ML.Search.Runners;
using Plasticity.ML.Search.Space;
using Plasticity.ML.Search.Tuners;

namespace Plasticity.ML.Estimators.Tests.Search;

/// <summary>A row of a windowed data set with a text label.</summary>
public sealed class WindowedRow
{
    /// <summary>Features.</summary>
    [VectorType(2)] public float[] Features { get; set; } = [];

    /// <summary>Label text.</summary>
    public string Label { get; set; } = "";

    /// <summary>Window (day) number.</summary>
    public int Day { get; set; }
}

/// <summary>A class name (the key order of a label).</summary>
public sealed class ClassName
{
    /// <summary>The name.</summary>
    public string Label { get; set; } = "";
}

/// <summary>A regression row of a windowed data set.</summary>
public sealed class WindowedRegressionRow
{
    /// <summary>Features.</summary>
    [VectorType(2)] public float[] Features { get; set; } = [];

    /// <summary>Label.</summary>
    public float Label { get; set; }

    /// <summary>Window number.</summary>
    public int Day { get; set; }
}

[TestClass]
public sealed class PlasticSearchExperimentTests
{
    private static readonly string[] Names = ["cat", "dog", "fox"];
    private readonly List<string> folders = [];

    [TestCleanup]
    public void Remove()
    {
        foreach (var folder in folders)
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    private string Folder()
    {
        string folder = Path.Combine(Path.GetTempPath(), "plasticity-mlnet-search-" + Guid.NewGuid().ToString("N"));
        folders.Add(folder);
        return folder;
    }

    /// <summary>Three classes by the sector of the angle of x; with drift, the sectors rotate every two windows.</summary>
    private static List<WindowedRow> Rows(int windows, int perWindow, bool drift, int seed = 1)
    {
        var random = new Random(seed);
        var rows = new List<WindowedRow>();
        for (int w = 0; w < windows; w++)
            for (int i = 0; i < perWindow; i++)
            {
                float a = (float)(random.NextDouble() * 2 - 1), b = (float)(random.NextDouble() * 2 - 1);
                double angle = Math.Atan2(b, a) + Math.PI + (drift ? (w / 2) * 2 * Math.PI / 3 : 0);
                int sector = (int)(angle / (2 * Math.PI / 3)) % 3;
                rows.Add(new WindowedRow { Features = [a, b], Label = Names[sector], Day = w });
            }
        return rows;
    }

    private static IDataView Keyed(MLContext ml, IEnumerable<WindowedRow> rows)
    {
        var data = ml.Data.LoadFromEnumerable(rows);
        return ml.Transforms.Conversion.MapValueToKey("Label", keyData: ml.Data.LoadFromEnumerable(Names.Select(n => new ClassName { Label = n })))
            .Fit(data).Transform(data);
    }

    private static PlasticMulticlassClassificationTrainer.Options Small => new() { HiddenWidths = [16], Epochs = 3, BatchSize = 16, Seed = 2 };

    private static readonly SearchSpace Space = new(
    [
        new RangeParameter("Optimizer.LearningRate", 1e-3, 1e-1, 1e-3, logBase: true),
        new ChoiceParameter("Normalization", [ParameterValue.FromText("None"), ParameterValue.FromText("LayerNorm")]),
    ]);

    [TestMethod]
    public async Task ASearchOverAWindowedDataViewReturnsTheBestModelTrainedThroughEveryWindow()
    {
        var ml = new MLContext(seed: 0);
        var data = Keyed(ml, Rows(windows: 5, perWindow: 60, drift: true));
        var tuner = new RandomSearchTuner(Space, new RandomSearchOptions { Direction = OptimizationDirection.Maximize, Seed = 3 });
        var result = await new PlasticSearchExperiment(ml)
            .SetDataset(data, "Day", tuningWindows: 3)
            .SetTrainer(Small)
            .SetSearchSpace(Space)
            .SetTuner(tuner)
            .SetBudget(SearchBudget.Trials(3))
            .SetRunner(new InProcessTrialRunner())
            .SetCheckpointFolder(Folder())
            .RunAsync();

        var search = result.Search;
        Assert.HasCount(3, search.History);
        Assert.IsTrue(search.History.All(t => t.IsCompleted), string.Join("; ", search.History.Select(t => t.Error)));
        Assert.IsTrue(search.History.All(t => t.Scores.Select(s => s.Window).SequenceEqual([1, 2])), "trials learn windows 0-1 and score 1-2; windows 3-4 are held out");
        CollectionAssert.AreEqual(new[] { 3, 4 }, search.HeldOut!.Best.Scores.Select(s => s.Window).ToArray());
        Assert.AreEqual("Features", result.BestOptions!.FeatureColumnName);
        Assert.AreEqual(search.Best!.Parameters.GetNumber("Optimizer.LearningRate"), result.BestOptions.Optimizer.LearningRate);

        // The model scores the user's rows, and its predicted label maps back to the class names.
        var scored = result.BestModel!.Transform(data);
        var names = ml.Transforms.Conversion.MapKeyToValue("PredictedName", "PredictedLabel").Fit(scored).Transform(scored);
        var predicted = names.GetColumn<ReadOnlyMemory<char>>("PredictedName").Select(n => n.ToString()).ToList();
        Assert.HasCount(300, predicted);
        Assert.IsTrue(predicted.All(Names.Contains));
        var plastic = (PlasticNeuralNetworkTransformer)result.BestModel;
        Assert.AreEqual(5, plastic.Model.WindowsTrained, "warm-started through all five windows");
    }

    [TestMethod]
    public async Task WindowsAreRebuiltWithTheirLabelsSoAStreamWithoutDriftIsLearnedWell()
    {
        var ml = new MLContext(seed: 0);
        var data = Keyed(ml, Rows(windows: 4, perWindow: 200, drift: false));
        var space = new SearchSpace([new RangeParameter("Optimizer.LearningRate", 1e-2, 3e-2, 2e-2, logBase: true)]);
        var tuner = new GridSearchTuner(space, new GridSearchOptions { Direction = OptimizationDirection.Maximize, PointsPerRange = 1 });
        var result = await new PlasticSearchExperiment(ml)
            .SetDataset(data, "Day", tuningWindows: 4)
            .SetTrainer(new PlasticMulticlassClassificationTrainer.Options { HiddenWidths = [32], Epochs = 10, BatchSize = 16, Seed = 1 })
            .SetSearchSpace(space)
            .SetTuner(tuner)
            .SetBudget(SearchBudget.Trials(1))
            .SetRunner(new InProcessTrialRunner())
            .SetCheckpointFolder(Folder())
            .RunAsync();
        var trial = result.Search.History.Single();
        Assert.IsTrue(trial.IsCompleted, trial.Error);
        // Three sectors of the plane are easy: a label off by one key would leave the accuracy near a third.
        Assert.IsGreaterThan(0.85, trial.Scores[^1].Accuracy);
        Assert.IsNull(result.Search.HeldOut, "no window was held out");
        Assert.AreEqual(4, ((PlasticNeuralNetworkTransformer)result.BestModel!).Model.WindowsTrained, "the best trial's model continued through the last window");
    }

    [TestMethod]
    public async Task ARegressionSearchMinimizesTheMeanSquaredErrorByDefault()
    {
        var ml = new MLContext(seed: 0);
        var random = new Random(4);
        var rows = Enumerable.Range(0, 4 * 50).Select(i =>
        {
            float a = (float)(random.NextDouble() * 2 - 1), b = (float)(random.NextDouble() * 2 - 1);
            return new WindowedRegressionRow { Features = [a, b], Label = a - 2 * b + i / 50, Day = i / 50 };
        }).ToList();
        var result = await new PlasticSearchExperiment(ml)
            .SetDataset(ml.Data.LoadFromEnumerable(rows), "Day", tuningWindows: 3)
            .SetTrainer(new PlasticRegressionTrainer.Options { HiddenWidths = [16], Epochs = 2, Seed = 1 })
            .SetSearchSpace(new SearchSpace([new RangeParameter("Optimizer.LearningRate", 1e-3, 1e-1, 1e-3, logBase: true)]))
            .SetBudget(SearchBudget.Trials(2))
            .SetRunner(new InProcessTrialRunner())
            .SetCheckpointFolder(Folder())
            .RunAsync();
        Assert.AreEqual(ObjectiveMetric.Loss, result.Search.Objective.Metric);
        Assert.AreEqual("CostFrugalTuner", result.Search.Tuner);
        Assert.IsTrue(result.Search.History.All(t => t.IsCompleted && t.Scores.All(s => double.IsNaN(s.Accuracy) && s.Loss >= 0)));
        var best = result.Search.History.Where(t => t.IsCompleted).OrderBy(t => t.Metric).First();
        Assert.AreEqual(best.Id, result.Search.Best!.Id, "the lowest mean squared error wins");
        Assert.IsNotNull(result.BestModel);
    }

    [TestMethod]
    public void TheTrainerOptionsCarryMlNetsSearchAttributesWithTheirDefaults()
    {
        var options = new PlasticMulticlassClassificationTrainer.Options();
        var space = SearchSpace.FromOptions(options);
        CollectionAssert.AreEqual(
            new[] { "Activation", "BatchSize", "Epochs", "HiddenWidths", "Normalization", "Optimizer.Beta2", "Optimizer.Epsilon", "Optimizer.LearningRate" },
            space.Parameters.Select(p => p.Name).ToArray());
        Assert.AreEqual(SearchSpace.FromType(options.GetType()).Default, space.Default, "the attributes' defaults are the options' defaults");
        Assert.AreEqual(PlasticityJson.Serialize(options), PlasticityJson.Serialize(space.Apply(options, space.Default)));
        Assert.IsTrue(((RangeParameter)space["Epochs"]).LogBase);
        var regression = SearchSpace.FromOptions(new PlasticRegressionTrainer.Options());
        Assert.AreEqual("Regression", regression["Head.Kind"].Default.Text, "a regression head may be swept to two-hot");
        var applied = regression.Apply(new PlasticRegressionTrainer.Options(), regression.Default.With("Head.Kind", "TwoHot"));
        Assert.AreEqual(HeadKind.TwoHot, applied.Head.Kind);
    }

    [TestMethod]
    public async Task BadDataAndSettingsAreNamedInMlNetsWording()
    {
        var ml = new MLContext(seed: 0);
        var data = Keyed(ml, Rows(windows: 3, perWindow: 10, drift: false));
        var missing = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new PlasticSearchExperiment(ml).SetDataset(data, "Week", 2));
        StringAssert.Contains(missing.Message, "Could not find window column 'Week'");

        async Task<string> Fails<TException>(PlasticSearchExperiment experiment) where TException : Exception =>
            (await Assert.ThrowsExactlyAsync<TException>(() => experiment.RunAsync())).Message;
        PlasticSearchExperiment Experiment(IDataView view, int tuning = 2) => new PlasticSearchExperiment(ml)
            .SetDataset(view, "Day", tuning).SetTrainer(Small).SetSearchSpace(Space).SetBudget(SearchBudget.Trials(1))
            .SetRunner(new InProcessTrialRunner()).SetCheckpointFolder(Folder());

        var text = ml.Transforms.Conversion.ConvertType("Day", outputKind: DataKind.String).Fit(data).Transform(data);
        StringAssert.Contains(await Fails<ArgumentOutOfRangeException>(Experiment(text)), "Schema mismatch for window column 'Day': expected a numeric or key scalar, got String");
        var backwards = Keyed(ml, Rows(windows: 3, perWindow: 10, drift: false).OrderByDescending(r => r.Day));
        StringAssert.Contains(await Fails<ArgumentException>(Experiment(backwards)), "Window column 'Day' decreases at row 10 (from 2 to 1)");
        StringAssert.Contains(await Fails<ArgumentException>(Experiment(data, tuning: 4)), "The search tunes on 4 windows, but the window column 'Day' cuts the data into 3");
        var unkeyed = ml.Data.LoadFromEnumerable(Rows(windows: 3, perWindow: 10, drift: false));
        StringAssert.Contains(await Fails<ArgumentOutOfRangeException>(Experiment(unkeyed)), "Schema mismatch for label column 'Label': expected a key of UInt32 with at least 2 values, got String");
        Assert.ThrowsExactly<NotSupportedException>(() => Experiment(data).SetObjective(new StreamObjective { Metric = ObjectiveMetric.PlasticityLoss }));
        StringAssert.Contains(await Fails<ArgumentException>(new PlasticSearchExperiment(ml).SetDataset(data, "Day", 2).SetBudget(SearchBudget.Trials(1))), "The search has no trainer");

        // A folder's search is resumed over its own data only; the data file of the search is left as it was.
        string folder = Folder();
        PlasticSearchExperiment InFolder(IDataView view) => new PlasticSearchExperiment(ml)
            .SetDataset(view, "Day", 2).SetTrainer(Small).SetSearchSpace(Space).SetBudget(SearchBudget.Trials(1))
            .SetRunner(new InProcessTrialRunner()).SetCheckpointFolder(folder);
        await InFolder(data).RunAsync();
        byte[] stream = File.ReadAllBytes(Path.Combine(folder, "data", "stream.windows"));
        var other = Keyed(ml, Rows(windows: 3, perWindow: 10, drift: false, seed: 9));
        StringAssert.Contains(await Fails<ArgumentException>(InFolder(other)), "holds a search over other data");
        CollectionAssert.AreEqual(stream, File.ReadAllBytes(Path.Combine(folder, "data", "stream.windows")));
        Assert.HasCount(1, (await InFolder(data).RunAsync()).Search.History, "the same data resumes the finished search");
    }
}

using System.IO.Compression;
using Microsoft.ML;
using Plasticity.ML.Optimization;

namespace Plasticity.ML.Estimators.Tests;

/// <summary>
/// A warm-started Fit that resumes the previous model's optimizer state continues exactly like one Fit over the same
/// windows (a segment column), in memory and through a saved model file; without the state it does not.
/// </summary>
[TestClass]
public sealed class OptimizerStateRetentionTests
{
    private string directory = "";

    [TestInitialize]
    public void CreateDirectory() => directory = Directory.CreateTempSubdirectory("plastic-optstate-").FullName;

    [TestCleanup]
    public void DeleteDirectory() => Directory.Delete(directory, recursive: true);

    private static readonly List<RegressionRow> Window0 = SyntheticData.Regression(32, seed: 1, offset: 0, segment: 0);
    private static readonly List<RegressionRow> Window1 = SyntheticData.Regression(32, seed: 2, offset: 3, segment: 1);
    private static readonly List<RegressionRow> Test = SyntheticData.Regression(40, seed: 3);

    private static PlasticRegressionTrainer Trainer(MLContext ml, OptimizerStateRetention retention, OptimizerKind kind = OptimizerKind.Adam)
    {
        var options = TrainerTests.RegressionOptions();
        options.Epochs = 2;
        options.BatchSize = 8;
        options.SegmentColumnName = nameof(RegressionRow.Segment);
        options.Optimizer = new() { Kind = kind, LearningRate = 1e-2, Momentum = kind == OptimizerKind.Sgd ? 0.9 : 0 };
        options.RetainOptimizerState = retention;
        return ml.Regression.Trainers.PlasticNeuralNetwork(options);
    }

    private static int[] Bits(float[] values) => values.Select(BitConverter.SingleToInt32Bits).ToArray();

    [TestMethod]
    public void WarmStartWithStateContinuesLikeOneFitOverBothWindows()
    {
        var ml = new MLContext(seed: 0);
        var test = ml.Data.LoadFromEnumerable(Test);
        var trainer = Trainer(ml, OptimizerStateRetention.InMemory);
        using var uninterrupted = trainer.Fit(ml.Data.LoadFromEnumerable(Window0.Concat(Window1).ToList()));
        Assert.AreEqual(2, uninterrupted.Model.WindowsTrained);

        using var first = trainer.Fit(ml.Data.LoadFromEnumerable(Window0));
        Assert.IsTrue(first.Model.HasOptimizerState);
        using var resumed = trainer.Fit(ml.Data.LoadFromEnumerable(Window1), first.Model);
        Assert.AreEqual(2, resumed.Model.WindowsTrained);
        float[] expected = SyntheticData.Scores(uninterrupted.Transform(test));
        CollectionAssert.AreEqual(Bits(expected), Bits(SyntheticData.Scores(resumed.Transform(test))), "the resumed fit left the uninterrupted trajectory");

        // The same warm start without the state: Adam restarts (bias correction from step 1), so the weights differ.
        using var withoutState = Trainer(ml, OptimizerStateRetention.None).Fit(ml.Data.LoadFromEnumerable(Window1), first.Model);
        Assert.IsFalse(withoutState.Model.HasOptimizerState);
        float gap = expected.Zip(SyntheticData.Scores(withoutState.Transform(test))).Max(p => Math.Abs(p.First - p.Second));
        Assert.IsGreaterThan(1e-4f, gap, "a fresh optimizer gave the same predictions; the test could not see the state");
    }

    [TestMethod]
    public void WithEarlyStoppingAWarmStartStillContinuesLikeOneFitOverBothWindows()
    {
        // Each window holds out a quarter of its rows and keeps its best epoch (weights and optimizer state), in one
        // Fit over both windows as in a chain of two Fits; the held-out rows depend on the window's index only.
        var ml = new MLContext(seed: 0);
        var test = ml.Data.LoadFromEnumerable(Test);
        var options = TrainerTests.RegressionOptions();
        options.Epochs = 12;
        options.BatchSize = 8;
        options.SegmentColumnName = nameof(RegressionRow.Segment);
        options.ValidationFraction = 0.25;
        options.EarlyStoppingPatience = 3;
        // The raw weights: on these windows their average improves to the last epoch, which would hide what is tested.
        options.WeightAveragingEpochs = 0;
        options.RetainOptimizerState = OptimizerStateRetention.InMemory;
        var trainer = ml.Regression.Trainers.PlasticNeuralNetwork(options);
        var windows = new List<string>();
        ml.Log += (_, e) => { if (e.Message.Contains("kept epoch", StringComparison.Ordinal)) windows.Add(e.Message); };
        using var uninterrupted = trainer.Fit(ml.Data.LoadFromEnumerable(Window0.Concat(Window1).ToList()));
        // The test means something only if some window kept an earlier epoch than its last.
        Assert.IsTrue(windows.Any(w => System.Text.RegularExpressions.Regex.Match(w, @"(\d+) epoch\(s\) of \d+ rows; kept epoch (\d+)") is { Success: true } m
            && int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) < int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)),
            string.Join("\n", windows));
        using var first = trainer.Fit(ml.Data.LoadFromEnumerable(Window0));
        using var resumed = trainer.Fit(ml.Data.LoadFromEnumerable(Window1), first.Model);
        CollectionAssert.AreEqual(Bits(SyntheticData.Scores(uninterrupted.Transform(test))), Bits(SyntheticData.Scores(resumed.Transform(test))));
    }

    [TestMethod]
    public void StateSavedInTheModelFileResumesAfterLoadInAFreshContext()
    {
        var ml = new MLContext(seed: 0);
        var test = ml.Data.LoadFromEnumerable(Test);
        var window0 = ml.Data.LoadFromEnumerable(Window0);
        var window1 = ml.Data.LoadFromEnumerable(Window1);
        var trainer = Trainer(ml, OptimizerStateRetention.InModelFile);
        using var first = trainer.Fit(window0);
        using var resumedInMemory = trainer.Fit(window1, first.Model);

        string path = Path.Combine(directory, "with-state.zip");
        ml.Model.Save(first, window0.Schema, path);
        Assert.IsTrue(HasEntry(path, "OptimizerState.bin"), "the state entry is missing from the model file");
        var fresh = new MLContext(seed: 7);
        using var loaded = (PlasticNeuralNetworkTransformer)fresh.Model.Load(path, out _);
        Assert.IsTrue(loaded.Model.HasOptimizerState);
        Assert.AreEqual(OptimizerStateRetention.InModelFile, loaded.Model.OptimizerStateRetention);
        using var resumedFromFile = Trainer(fresh, OptimizerStateRetention.InModelFile).Fit(fresh.Data.LoadFromEnumerable(Window1), loaded.Model);

        CollectionAssert.AreEqual(Bits(SyntheticData.Scores(resumedInMemory.Transform(test))), Bits(SyntheticData.Scores(resumedFromFile.Transform(test))));
    }

    [TestMethod]
    public void InMemoryStateIsNotWrittenAndAFileWithoutStateLoadsAsBefore()
    {
        var ml = new MLContext(seed: 0);
        var window0 = ml.Data.LoadFromEnumerable(Window0);
        using var inMemory = Trainer(ml, OptimizerStateRetention.InMemory).Fit(window0);
        using var none = Trainer(ml, OptimizerStateRetention.None).Fit(window0);
        Assert.IsTrue(inMemory.Model.HasOptimizerState);
        Assert.IsFalse(none.Model.HasOptimizerState);

        string inMemoryPath = Path.Combine(directory, "in-memory.zip"), nonePath = Path.Combine(directory, "none.zip");
        ml.Model.Save(inMemory, window0.Schema, inMemoryPath);
        ml.Model.Save(none, window0.Schema, nonePath);
        Assert.IsFalse(HasEntry(inMemoryPath, "OptimizerState.bin"));
        Assert.IsFalse(HasEntry(nonePath, "OptimizerState.bin"));
        // A file without the entry is exactly the format written before optimizer state existed; it loads without state.
        using var loaded = (PlasticNeuralNetworkTransformer)new MLContext().Model.Load(nonePath, out _);
        Assert.IsFalse(loaded.Model.HasOptimizerState);
        Assert.AreEqual(OptimizerStateRetention.None, loaded.Model.OptimizerStateRetention);
        var test = ml.Data.LoadFromEnumerable(Test);
        CollectionAssert.AreEqual(Bits(SyntheticData.Scores(none.Transform(test))), Bits(SyntheticData.Scores(loaded.Transform(test))));
    }

    [TestMethod]
    public void CorruptedStateEntryGivesAClearError()
    {
        var ml = new MLContext(seed: 0);
        var window0 = ml.Data.LoadFromEnumerable(Window0);
        using var model = Trainer(ml, OptimizerStateRetention.InModelFile).Fit(window0);
        string path = Path.Combine(directory, "model.zip");
        ml.Model.Save(model, window0.Schema, path);
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
        {
            var entry = zip.Entries.Single(e => e.FullName.EndsWith("OptimizerState.bin", StringComparison.Ordinal));
            byte[] bytes;
            using (var stream = entry.Open()) { using var copy = new MemoryStream(); stream.CopyTo(copy); bytes = copy.ToArray(); }
            bytes[bytes.Length / 2] ^= 0x5A;
            string name = entry.FullName;
            entry.Delete();
            using var replaced = zip.CreateEntry(name).Open();
            replaced.Write(bytes);
        }
        var e = Assert.Throws<Exception>(() => new MLContext().Model.Load(path, out _));
        string message = Flatten(e);
        Assert.Contains("corrupted", message, message);
        Assert.Contains("optimizer state does not match its checksum", message, message);
    }

    [TestMethod]
    public void StateOfAnotherOptimizerKindIsRefusedWithAClearMessage()
    {
        var ml = new MLContext(seed: 0);
        using var adam = Trainer(ml, OptimizerStateRetention.InMemory).Fit(ml.Data.LoadFromEnumerable(Window0));
        var sgd = Trainer(ml, OptimizerStateRetention.InMemory, OptimizerKind.Sgd);
        var e = Assert.ThrowsExactly<ArgumentException>(() => sgd.Fit(ml.Data.LoadFromEnumerable(Window1), adam.Model));
        Assert.Contains("optimizer state cannot be resumed", e.Message);
        Assert.Contains("RetainOptimizerState to None", e.Message);
        // Without retention the same warm start is fine: a fresh SGD optimizer from the Adam-trained weights.
        using var fresh = Trainer(ml, OptimizerStateRetention.None, OptimizerKind.Sgd).Fit(ml.Data.LoadFromEnumerable(Window1), adam.Model);
        Assert.AreEqual(2, fresh.Model.WindowsTrained);
    }

    private static bool HasEntry(string zipPath, string suffix)
    {
        using var zip = ZipFile.OpenRead(zipPath);
        return zip.Entries.Any(e => e.FullName.EndsWith(suffix, StringComparison.Ordinal));
    }

    private static string Flatten(Exception e) => e.InnerException is null ? e.Message : e.Message + " | " + Flatten(e.InnerException);
}

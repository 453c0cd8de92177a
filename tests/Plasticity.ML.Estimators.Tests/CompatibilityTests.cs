using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Plasticity.ML.Estimators.Tests;

/// <summary>
/// Model files saved by the first release (Fixtures/, written before the trainers joined ML.NET's trainer types, in
/// layout 0x00010001) still load, predict bit for bit what they predicted then, and can be trained further.
/// </summary>
[TestClass]
public sealed class CompatibilityTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    private static float[] ReadBits(string name) => File.ReadAllLines(Fixture(name))
        .Select(l => BitConverter.Int32BitsToSingle(int.Parse(l, NumberStyles.HexNumber, CultureInfo.InvariantCulture))).ToArray();

    private static float[][] ProbeFeatures() => File.ReadAllLines(Fixture("probe-features.txt"))
        .Select(l => l.Split(' ').Select(h => BitConverter.Int32BitsToSingle(int.Parse(h, NumberStyles.HexNumber, CultureInfo.InvariantCulture))).ToArray())
        .ToArray();

    private static int[] Bits(IEnumerable<float> values) => values.Select(BitConverter.SingleToInt32Bits).ToArray();

    [TestMethod]
    public void RegressionModelOfTheFirstReleaseLoadsWithItsOptimizerStateAndPredictsTheSame()
    {
        var ml = new MLContext(seed: 0);
        var model = (PlasticNeuralNetworkTransformer)ml.Model.Load(Fixture("regression-v1.zip"), out var schema);
        var rows = ProbeFeatures().Select(f => new RegressionRow { Features = f }).ToList();
        CollectionAssert.AreEqual(Bits(ReadBits("regression-v1.expected.txt")), Bits(SyntheticData.Scores(model.Transform(ml.Data.LoadFromEnumerable(rows)))));
        // The first release trained on raw labels: the model reads back with the identity scaling, and its settings
        // with no early stopping and no weight average, which is how it was trained.
        Assert.AreEqual(0, model.Model.LabelMean);
        Assert.AreEqual(1, model.Model.LabelScale);
        Assert.AreEqual(0, model.Model.TrainingSettings.ValidationFraction);
        Assert.AreEqual(0, model.Model.TrainingSettings.WeightAveragingEpochs);
        Assert.AreEqual(5, model.Model.TrainingSettings.Seed);
        Assert.IsTrue(model.Model.HasOptimizerState);

        // It trains on (warm start resuming its Adam state) and saves in the current layout, which loads again.
        var options = TrainerTests.RegressionOptions();
        options.HiddenWidths = [8];
        options.Normalization = Plasticity.ML.Networks.NormalizationKind.LayerNorm;
        options.RetainOptimizerState = OptimizerStateRetention.InModelFile;
        var more = ml.Regression.Trainers.PlasticNeuralNetwork(options).Fit(ml.Data.LoadFromEnumerable(SyntheticData.Regression(32, seed: 4, offset: 20)), model.Model);
        Assert.AreEqual(2, more.Model.WindowsTrained);
        string path = Path.Combine(Path.GetTempPath(), $"plastic-compat-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(more, schema, path);
            var again = (PlasticNeuralNetworkTransformer)new MLContext().Model.Load(path, out _);
            var data = ml.Data.LoadFromEnumerable(rows);
            CollectionAssert.AreEqual(Bits(SyntheticData.Scores(more.Transform(data))), Bits(SyntheticData.Scores(again.Transform(data))));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void BinaryModelOfTheFirstReleasePredictsTheSame()
    {
        var ml = new MLContext(seed: 0);
        var model = ml.Model.Load(Fixture("binary-v1.zip"), out _);
        var rows = ProbeFeatures().Select(f => new BinaryRow { Features = f }).ToList();
        float[] expected = ReadBits("binary-v1.expected.txt");

        // One row at a time (a PredictionEngine): the computation of the first release, bit for bit.
        var engine = ml.Model.CreatePredictionEngine<BinaryRow, BinaryPrediction>(model);
        var predictions = rows.Select(engine.Predict).ToList();
        CollectionAssert.AreEqual(Bits(expected), Bits(predictions.Select(p => p.Score).Concat(predictions.Select(p => p.Probability))));

        // Transform scores the 12 rows as one block, where libtorch may round the matrix product differently.
        var scored = model.Transform(ml.Data.LoadFromEnumerable(rows));
        var actual = SyntheticData.Scores(scored).Concat(scored.GetColumn<float>("Probability")).ToArray();
        for (int i = 0; i < expected.Length; i++) Assert.AreEqual(expected[i], actual[i], 1e-6 * Math.Max(1, Math.Abs(expected[i])), $"value {i}");
        CollectionAssert.AreEqual(expected.Take(12).Select(s => s > 0).ToArray(), scored.GetColumn<bool>("PredictedLabel").ToArray());
    }

    [TestMethod]
    public void MulticlassPipelineOfTheFirstReleasePredictsTheSameClasses()
    {
        var ml = new MLContext(seed: 0);
        var model = ml.Model.Load(Fixture("multiclass-v1.zip"), out _);
        var scored = model.Transform(ml.Data.LoadFromEnumerable(ProbeFeatures().Select(f => new MulticlassRow { Features = f, Label = "left" }).ToList()));
        float[] expected = ReadBits("multiclass-v1.expected.txt"), actual = SyntheticData.Scores(scored);
        for (int i = 0; i < expected.Length; i++) Assert.AreEqual(expected[i], actual[i], 1e-6, $"value {i}");
        Assert.AreEqual(string.Join(",", File.ReadAllLines(Fixture("multiclass-v1.expected-labels.txt"))), string.Join(",", scored.GetColumn<string>("PredictedText")));
        // The old model gains the annotations of the current layout: class names on the score, in key order
        // (MapValueToKey numbers the classes in order of first appearance in the training rows).
        VBuffer<ReadOnlyMemory<char>> names = default;
        scored.Schema["Score"].GetSlotNames(ref names);
        string[] keyOrder = SyntheticData.Multiclass(90, seed: 5).Select(r => r.Label).Distinct().ToArray();
        Assert.AreEqual(string.Join(",", keyOrder), string.Join(",", names.DenseValues()));
    }
}

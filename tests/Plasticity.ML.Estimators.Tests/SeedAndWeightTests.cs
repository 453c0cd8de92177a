using Microsoft.ML;
using Microsoft.ML.Data;

namespace Plasticity.ML.Estimators.Tests;

/// <summary>Randomness from the MLContext's seed (as ML.NET's trainers), and the example-weight column.</summary>
[TestClass]
public sealed class SeedAndWeightTests
{
    private static readonly List<TabularRow> Rows = TabularData.Rows(200, seed: 3);

    private static int[] ScoreBits(MLContext ml, long? optionSeed = null)
    {
        var options = TabularData.Quick(new PlasticRegressionTrainer.Options { LabelColumnName = "Value", Seed = optionSeed });
        options.MinimumSteps = 50;
        var model = TabularData.Normalize(ml).Append(ml.Regression.Trainers.PlasticNeuralNetwork(options)).Fit(ml.Data.LoadFromEnumerable(Rows));
        return SyntheticData.Scores(model.Transform(ml.Data.LoadFromEnumerable(Rows))).Select(BitConverter.SingleToInt32Bits).ToArray();
    }

    [TestMethod]
    public void TheMLContextSeedDecidesUnlessTheOptionsSetOne()
    {
        CollectionAssert.AreEqual(ScoreBits(new MLContext(seed: 1)), ScoreBits(new MLContext(seed: 1)), "same context seed, same model bit for bit");
        CollectionAssert.AreNotEqual(ScoreBits(new MLContext(seed: 1)), ScoreBits(new MLContext(seed: 2)), "contexts 1 and 2 gave the same model");
        CollectionAssert.AreEqual(ScoreBits(new MLContext(seed: 1), optionSeed: 9), ScoreBits(new MLContext(seed: 2), optionSeed: 9), "the options' seed overrides the context's");
    }

    [TestMethod]
    public void TheSeedUsedIsRecordedInTheModel()
    {
        var ml = new MLContext(seed: 4);
        var options = TabularData.Quick(new PlasticRegressionTrainer.Options { LabelColumnName = "Value", Seed = 123 });
        var model = TabularData.Normalize(ml).Append(ml.Regression.Trainers.PlasticNeuralNetwork(options)).Fit(ml.Data.LoadFromEnumerable(Rows));
        Assert.AreEqual(123, model.LastTransformer.Model.TrainingSettings.Seed);
    }

    public sealed class ConstantRow
    {
        [VectorType(2)] public float[] Features { get; set; } = [0.5f, 0.5f];
        public bool Label { get; set; }
        public float Value { get; set; }
        public float Weight { get; set; } = 1;
        public double DoubleWeight { get; set; } = 1;
    }

    /// <summary>
    /// Every row has the same features, so the best prediction is the weighted label mean: the weighted fraction of
    /// positives (binary) or the weighted mean of the values (regression).
    /// </summary>
    [TestMethod]
    public void WeightsCountEachRowsLossWithItsWeight()
    {
        var ml = new MLContext(seed: 1);
        // 30 positives with weight 7/3 and 70 negatives with weight 1: the weighted fraction of positives is 70 / 140 = 0.5.
        var rows = Enumerable.Range(0, 100).Select(i => new ConstantRow { Label = i < 30, Weight = i < 30 ? 7f / 3 : 1, Value = i < 30 ? 10 : 20 }).ToList();
        var data = ml.Data.LoadFromEnumerable(rows);
        var binaryOptions = new PlasticBinaryClassificationTrainer.Options { HiddenWidths = [8], ValidationFraction = 0, MinimumSteps = 0, Epochs = 150 };
        float Probability(string? weights)
        {
            binaryOptions.ExampleWeightColumnName = weights;
            return ml.BinaryClassification.Trainers.PlasticNeuralNetwork(binaryOptions).Fit(data).Transform(data).GetColumn<float>("Probability").First();
        }
        Assert.AreEqual(0.3, Probability(null), 0.02, "unweighted: the fraction of positives");
        Assert.AreEqual(0.5, Probability(nameof(ConstantRow.Weight)), 0.02, "weighted: the weighted fraction of positives");

        // Regression: values 10 (weight 7/3) and 20 (weight 1): weighted mean (30 * 70/3 + 70 * 20) / 140 = 15.
        var regressionOptions = new PlasticRegressionTrainer.Options
        {
            LabelColumnName = nameof(ConstantRow.Value), HiddenWidths = [8], ValidationFraction = 0, MinimumSteps = 0, Epochs = 150,
            ExampleWeightColumnName = nameof(ConstantRow.DoubleWeight),
        };
        foreach (var row in rows) row.DoubleWeight = row.Weight;
        data = ml.Data.LoadFromEnumerable(rows);
        float score = ml.Regression.Trainers.PlasticNeuralNetwork(regressionOptions).Fit(data).Transform(data).GetColumn<float>("Score").First();
        Assert.AreEqual(15, score, 0.2, "a Double weight column works like a Single one");
    }

    [TestMethod]
    public void BadWeightsAreRefusedInMLNetsWording()
    {
        var ml = new MLContext(seed: 1);
        var options = new PlasticBinaryClassificationTrainer.Options { HiddenWidths = [4], Epochs = 1, ExampleWeightColumnName = nameof(ConstantRow.Weight) };
        var trainer = ml.BinaryClassification.Trainers.PlasticNeuralNetwork(options);
        List<ConstantRow> Rows(float bad) => [.. Enumerable.Range(0, 8).Select(i => new ConstantRow { Label = i % 2 == 0, Weight = i == 5 ? bad : 1 })];

        var e = Assert.ThrowsExactly<InvalidOperationException>(() => trainer.Fit(ml.Data.LoadFromEnumerable(Rows(-2))));
        Assert.Contains("Training weight column 'Weight' holds -2 at row 5; example weights must be finite and non-negative.", e.Message);
        e = Assert.ThrowsExactly<InvalidOperationException>(() => trainer.Fit(ml.Data.LoadFromEnumerable(Rows(float.NaN))));
        Assert.Contains("Training weight column 'Weight' holds NaN at row 5", e.Message);
        e = Assert.ThrowsExactly<InvalidOperationException>(() => trainer.Fit(ml.Data.LoadFromEnumerable(Rows(float.PositiveInfinity))));
        Assert.Contains("Training weight column 'Weight' holds Infinity at row 5", e.Message);
        var zeros = Enumerable.Range(0, 8).Select(i => new ConstantRow { Label = i % 2 == 0, Weight = 0 }).ToList();
        e = Assert.ThrowsExactly<InvalidOperationException>(() => trainer.Fit(ml.Data.LoadFromEnumerable(zeros)));
        Assert.Contains("Training weight column 'Weight' holds only zero weights (8 rows): there is nothing to train on.", e.Message);

        options.ExampleWeightColumnName = "Missing";
        var missing = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.BinaryClassification.Trainers.PlasticNeuralNetwork(options).Fit(ml.Data.LoadFromEnumerable(Rows(1))));
        Assert.Contains("Could not find weight column 'Missing'", missing.Message);
        options.ExampleWeightColumnName = nameof(ConstantRow.Label);
        var wrongType = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ml.BinaryClassification.Trainers.PlasticNeuralNetwork(options).Fit(ml.Data.LoadFromEnumerable(Rows(1))));
        Assert.Contains("Training weight column 'Label' must be of floating point numeric type, but has type: Boolean.", wrongType.Message);
    }

    [TestMethod]
    public void TheEstimatorChecksTheWeightColumnBeforeTraining()
    {
        var ml = new MLContext(seed: 1);
        var options = new PlasticRegressionTrainer.Options { LabelColumnName = nameof(ConstantRow.Value), ExampleWeightColumnName = "Weight" };
        var pipeline = ml.Transforms.Conversion.ConvertType("Weight", "Label", Microsoft.ML.Data.DataKind.Boolean)
            .Append(ml.Regression.Trainers.PlasticNeuralNetwork(options));
        var schema = Internal.MLNetInterop.ForTests.SchemaShapeOf(ml.Data.LoadFromEnumerable(new[] { new ConstantRow() }).Schema);
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => pipeline.GetOutputSchema(schema));
        Assert.Contains("Training weight column 'Weight' must be of floating point numeric type", e.Message);
    }
}

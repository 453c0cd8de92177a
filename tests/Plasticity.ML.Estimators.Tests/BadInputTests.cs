using Microsoft.ML;
using Microsoft.ML.Data;

namespace Plasticity.ML.Estimators.Tests;

[TestClass]
public sealed class BadInputTests
{
    public sealed class ScalarFeatureRow { public float Features { get; set; } public float Label { get; set; } }

    public sealed class DoubleFeatureRow { [VectorType(2)] public double[] Features { get; set; } = []; public float Label { get; set; } }

    public sealed class VariableFeatureRow { public float[] Features { get; set; } = []; public float Label { get; set; } }

    public sealed class ThreeFeatureRow { [VectorType(3)] public float[] Features { get; set; } = []; public float Label { get; set; } }

    public sealed class WideFeatureRow { [VectorType(37)] public float[] Features { get; set; } = []; public float Label { get; set; } }

    public sealed class KeyLabelRow { [VectorType(2)] public float[] Features { get; set; } = []; [KeyType(3)] public uint Label { get; set; } }

    private static readonly MLContext Ml = new(seed: 0);

    private static PlasticRegressionTrainer Trainer()
    {
        var options = TrainerTests.RegressionOptions();
        options.Epochs = 1;
        return Ml.Regression.Trainers.PlasticNeuralNetwork(options);
    }

    private static void AssertMessage(Exception e, string expected) =>
        Assert.Contains(expected, e.Message, $"Unexpected message: {e.Message}");

    [TestMethod]
    public void MissingFeatureColumnIsReported()
    {
        var data = Ml.Data.LoadFromEnumerable(SyntheticData.Regression(8, 1));
        var trainer = Ml.Regression.Trainers.PlasticNeuralNetwork(featureColumnName: "Pixels");
        AssertMessage(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => trainer.Fit(data)), "Could not find feature column 'Pixels'");
    }

    [TestMethod]
    public void MissingLabelColumnIsReported()
    {
        var data = Ml.Data.LoadFromEnumerable(SyntheticData.Regression(8, 1));
        var trainer = Ml.Regression.Trainers.PlasticNeuralNetwork(labelColumnName: "Target");
        AssertMessage(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => trainer.Fit(data)), "Could not find label column 'Target'");
    }

    [TestMethod]
    public void ScalarFeatureIsASchemaMismatch()
    {
        var data = Ml.Data.LoadFromEnumerable(new[] { new ScalarFeatureRow { Features = 1, Label = 1 } });
        AssertMessage(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Trainer().Fit(data)),
            "Schema mismatch for feature column 'Features': expected known-size vector of Single, got Single");
    }

    [TestMethod]
    public void DoubleVectorFeatureIsASchemaMismatch()
    {
        var data = Ml.Data.LoadFromEnumerable(new[] { new DoubleFeatureRow { Features = [1, 2], Label = 1 } });
        AssertMessage(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Trainer().Fit(data)),
            "Schema mismatch for feature column 'Features': expected known-size vector of Single, got Vector<Double, 2>");
    }

    [TestMethod]
    public void VariableSizeVectorIsASchemaMismatch()
    {
        var data = Ml.Data.LoadFromEnumerable(new[] { new VariableFeatureRow { Features = [1, 2], Label = 1 } });
        AssertMessage(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Trainer().Fit(data)),
            "Schema mismatch for feature column 'Features': expected known-size vector of Single, got Vector<Single>");
    }

    [TestMethod]
    public void WrongLabelTypeIsASchemaMismatch()
    {
        var data = Ml.Data.LoadFromEnumerable(SyntheticData.Regression(8, 1));
        var trainer = Ml.BinaryClassification.Trainers.PlasticNeuralNetwork();
        AssertMessage(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => trainer.Fit(data)),
            "Schema mismatch for label column 'Label': expected Boolean, got Single");
    }

    [TestMethod]
    public void NaNFeatureIsRefusedWithItsRow()
    {
        var rows = SyntheticData.Regression(8, 1);
        rows[5].Features[1] = float.NaN;
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => Trainer().Fit(Ml.Data.LoadFromEnumerable(rows)));
        AssertMessage(e, "Feature column 'Features' holds NaN at row 5, slot 1");
    }

    [TestMethod]
    public void NonFiniteFeaturesAreFoundAnywhereInAWideRow()
    {
        // A wide row: each kind of bad value, at the first, middle and last slots, is reported with its row and slot.
        foreach (var (slot, value, text) in new[] { (0, float.NegativeInfinity, "-Infinity"), (9, float.PositiveInfinity, "Infinity"), (20, float.NaN, "NaN"), (36, float.NaN, "NaN") })
        {
            var rows = Enumerable.Range(0, 6).Select(i => new WideFeatureRow { Features = Enumerable.Range(0, 37).Select(j => (float)(i - j) / 10).ToArray(), Label = i }).ToList();
            rows[4].Features[slot] = value;
            var e = Assert.ThrowsExactly<InvalidOperationException>(() => Trainer().Fit(Ml.Data.LoadFromEnumerable(rows)));
            AssertMessage(e, $"Feature column 'Features' holds {text} at row 4, slot {slot}");
        }
        var clean = Enumerable.Range(0, 6).Select(i => new WideFeatureRow { Features = Enumerable.Range(0, 37).Select(j => (float)(i * j % 7) - 3).ToArray(), Label = i }).ToList();
        Assert.IsNotNull(Trainer().Fit(Ml.Data.LoadFromEnumerable(clean)));
    }

    [TestMethod]
    public void InfiniteLabelIsRefusedWithItsRow()
    {
        var rows = SyntheticData.Regression(8, 1);
        rows[3].Label = float.PositiveInfinity;
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => Trainer().Fit(Ml.Data.LoadFromEnumerable(rows)));
        AssertMessage(e, "Label column 'Label' holds Infinity at row 3");
    }

    [TestMethod]
    public void ADivergingLossStopsTheFitWithTheCoresException()
    {
        // Huge labels and learning rate make the loss overflow: the same exception type as every other learner's.
        var rows = SyntheticData.Regression(64, 1);
        foreach (var row in rows) row.Label *= 1e30f;
        var options = TrainerTests.RegressionOptions();
        options.Optimizer = options.Optimizer with { LearningRate = 1e10 };
        var e = Assert.ThrowsExactly<Plasticity.ML.Training.NonFiniteLossException>(() => Ml.Regression.Trainers.PlasticNeuralNetwork(options).Fit(Ml.Data.LoadFromEnumerable(rows)));
        AssertMessage(e, "refusing to train on it");
        Assert.AreEqual(0, e.TaskIndex);
    }

    [TestMethod]
    public void EmptyDataIsRefused()
    {
        var data = Ml.Data.LoadFromEnumerable(new List<RegressionRow>());
        AssertMessage(Assert.ThrowsExactly<InvalidOperationException>(() => Trainer().Fit(data)), "The training data has no rows");
    }

    [TestMethod]
    public void MulticlassKeyAboveTheKeyCountIsOutOfRange()
    {
        var rows = new[]
        {
            new KeyLabelRow { Features = [0, 1], Label = 1 },
            new KeyLabelRow { Features = [1, 0], Label = 4 },
        };
        var trainer = Ml.MulticlassClassification.Trainers.PlasticNeuralNetwork(epochs: 1);
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => trainer.Fit(Ml.Data.LoadFromEnumerable(rows)));
        // ML.NET's enumerable loader turns a key beyond the key count into the missing key 0; either way it is refused.
        AssertMessage(e, "Label column 'Label' holds key value 0 at row 1, outside the label's range 1..3 (0 is a missing value)");
    }

    [TestMethod]
    public void FeatureSizeAtTransformMustMatchTraining()
    {
        var model = Trainer().Fit(Ml.Data.LoadFromEnumerable(SyntheticData.Regression(32, 1)));
        var wider = Ml.Data.LoadFromEnumerable(new[] { new ThreeFeatureRow { Features = [1, 2, 3] } });
        AssertMessage(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => model.Transform(wider)),
            "Schema mismatch for feature column 'Features': expected known-size vector of Single of size 2 (the size the model was trained on), got Vector<Single, 3>");
    }

    [TestMethod]
    public void FeatureSizeAtContinualFitMustMatchThePreviousModel()
    {
        var trainer = Trainer();
        var model = trainer.Fit(Ml.Data.LoadFromEnumerable(SyntheticData.Regression(32, 1)));
        var wider = Ml.Data.LoadFromEnumerable(new[] { new ThreeFeatureRow { Features = [1, 2, 3], Label = 1 } });
        AssertMessage(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => trainer.Fit(wider, model.Model)),
            "Schema mismatch for feature column 'Features': expected known-size vector of Single of size 2 (the size the previous model was trained on), got Vector<Single, 3>");
    }
}

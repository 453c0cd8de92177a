using Microsoft.ML;
using Microsoft.ML.Data;
using Plasticity.ML.Networks;

namespace Plasticity.ML.Estimators.Tests;

[TestClass]
public sealed class TrainerTests
{
    internal static PlasticRegressionTrainer.Options RegressionOptions() => new()
    {
        HiddenWidths = [16],
        Epochs = 40,
        BatchSize = 16,
        Optimizer = new() { LearningRate = 1e-2 },
        Seed = 1,
        // Exactly Epochs passes over every row of a plain MLP: these tests count steps and windows, and check mechanics.
        Normalization = NormalizationKind.None,
        ValidationFraction = 0,
        MinimumSteps = 0,
    };

    [TestMethod]
    public void RegressionLearnsALinearFunctionAndEvaluates()
    {
        var ml = new MLContext(seed: 0);
        var train = ml.Data.LoadFromEnumerable(SyntheticData.Regression(256, seed: 1));
        var test = ml.Data.LoadFromEnumerable(SyntheticData.Regression(128, seed: 2));
        var model = ml.Regression.Trainers.PlasticNeuralNetwork(RegressionOptions()).Fit(train);
        var metrics = ml.Regression.Evaluate(model.Transform(test));
        Assert.IsGreaterThan(0.95, metrics.RSquared, $"R^2 = {metrics.RSquared}");

        var engine = ml.Model.CreatePredictionEngine<RegressionRow, RegressionPrediction>(model);
        var prediction = engine.Predict(new RegressionRow { Features = [0.5f, -0.5f] });
        Assert.AreEqual(2 * 0.5f + 0.5f + 0.5f, prediction.Score, 0.25f);
    }

    [TestMethod]
    public void BinaryClassifierEvaluatesWithProbabilityAndBooleanLabel()
    {
        var ml = new MLContext(seed: 0);
        var train = ml.Data.LoadFromEnumerable(SyntheticData.Binary(256, seed: 3));
        var test = ml.Data.LoadFromEnumerable(SyntheticData.Binary(128, seed: 4));
        var trainer = ml.BinaryClassification.Trainers.PlasticNeuralNetwork(hiddenWidths: [16], epochs: 30, learningRate: 1e-2);
        var model = trainer.Fit(train);
        var scored = model.Transform(test);
        Assert.AreEqual(NumberDataViewType.Single, scored.Schema["Score"].Type);
        Assert.AreEqual(NumberDataViewType.Single, scored.Schema["Probability"].Type);
        Assert.AreEqual(BooleanDataViewType.Instance, scored.Schema["PredictedLabel"].Type);
        var metrics = ml.BinaryClassification.Evaluate(scored);
        Assert.IsGreaterThan(0.9, metrics.Accuracy, $"accuracy = {metrics.Accuracy}");

        var engine = ml.Model.CreatePredictionEngine<BinaryRow, BinaryPrediction>(model);
        var positive = engine.Predict(new BinaryRow { Features = [0.8f, 0.7f] });
        Assert.IsTrue(positive.PredictedLabel);
        Assert.AreEqual(1 / (1 + Math.Exp(-positive.Score)), positive.Probability, 1e-5);
    }

    [TestMethod]
    public void MulticlassPipelineEvaluatesAndMapsKeysBackToValues()
    {
        var ml = new MLContext(seed: 0);
        var train = ml.Data.LoadFromEnumerable(SyntheticData.Multiclass(300, seed: 5));
        var test = ml.Data.LoadFromEnumerable(SyntheticData.Multiclass(150, seed: 6));
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.MulticlassClassification.Trainers.PlasticNeuralNetwork(hiddenWidths: [16], epochs: 40, learningRate: 1e-2))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedText", "PredictedLabel"));
        var model = pipeline.Fit(train);
        var scored = model.Transform(test);
        var score = scored.Schema["Score"].Type as VectorDataViewType;
        Assert.IsNotNull(score);
        Assert.AreEqual(3, score.Size);
        var metrics = ml.MulticlassClassification.Evaluate(scored);
        Assert.IsGreaterThan(0.85, metrics.MicroAccuracy, $"accuracy = {metrics.MicroAccuracy}");

        var labels = ml.Data.CreateEnumerable<MulticlassRow>(test, reuseRowObject: false).Select(r => r.Label).ToArray();
        var predicted = scored.GetColumn<string>("PredictedText").ToArray();
        int agree = labels.Zip(predicted).Count(p => p.First == p.Second);
        Assert.IsGreaterThan(0.85 * labels.Length, agree);
    }

    [TestMethod]
    public void TransformFromSeveralThreadsMatchesOneThread()
    {
        var ml = new MLContext(seed: 0);
        var train = ml.Data.LoadFromEnumerable(SyntheticData.Regression(128, seed: 1));
        var options = RegressionOptions();
        options.Epochs = 2;
        var model = ml.Regression.Trainers.PlasticNeuralNetwork(options).Fit(train);
        var data = ml.Data.LoadFromEnumerable(SyntheticData.Regression(200, seed: 9));
        float[] expected = SyntheticData.Scores(model.Transform(data));
        var results = new float[4][];
        Parallel.For(0, 4, i => results[i] = SyntheticData.Scores(model.Transform(data)));
        foreach (var result in results) CollectionAssert.AreEqual(expected, result);
    }

    [TestMethod]
    public void LayerNormOptionBuildsANormalizedNetwork()
    {
        var ml = new MLContext(seed: 0);
        var options = RegressionOptions();
        options.Epochs = 1;
        options.Normalization = NormalizationKind.LayerNorm;
        var model = ml.Regression.Trainers.PlasticNeuralNetwork(options).Fit(ml.Data.LoadFromEnumerable(SyntheticData.Regression(64, seed: 1)));
        Assert.AreEqual(NormalizationKind.LayerNorm, model.Model.NetworkSpec.Normalization);
        Assert.AreEqual(2, model.Model.FeatureCount);
    }
}

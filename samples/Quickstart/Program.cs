// Quickstart: load, featurize, train, evaluate, save, load, predict -- Fashion-MNIST with a plastic neural network.
using Microsoft.ML;
using Microsoft.ML.Data;
using Plasticity.ML.Data;
using Plasticity.ML.Estimators;

var ml = new MLContext(seed: 0);
var images = FashionMnist.LoadEmbedded().Subset(3000, seed: 1);
var rows = Enumerable.Range(0, images.Count).Select(i => new Image
{
    Pixels = images.Pixels.AsSpan(i * 784, 784).ToArray(),
    Label = FashionMnist.ClassNames[images.Labels[i]],
});
var split = ml.Data.TrainTestSplit(ml.Data.LoadFromEnumerable(rows), testFraction: 0.2, seed: 1);

var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
    .Append(ml.Transforms.NormalizeMinMax("Features", "Pixels"))
    .Append(ml.MulticlassClassification.Trainers.PlasticNeuralNetwork())
    .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedClass", "PredictedLabel"));
var model = pipeline.Fit(split.TrainSet);
var metrics = ml.MulticlassClassification.Evaluate(model.Transform(split.TestSet));
Console.WriteLine($"Test accuracy: {metrics.MicroAccuracy:P1}");

ml.Model.SaveAtomically(model, split.TrainSet.Schema, "quickstart-model.zip");
var loaded = new MLContext().Model.Load("quickstart-model.zip", out _);
var engine = ml.Model.CreatePredictionEngine<Image, Prediction>(loaded);
var first = rows.First();
Console.WriteLine($"Truth: {first.Label}, predicted: {engine.Predict(first).PredictedClass}");

/// <summary>One image: 784 pixels in [0, 1] and its class name.</summary>
internal sealed class Image
{
    [VectorType(784)] public float[] Pixels { get; set; } = [];
    public string Label { get; set; } = "";
}

/// <summary>The predicted class name.</summary>
internal sealed class Prediction { public string PredictedClass { get; set; } = ""; }

// Retraining on a drifting stream built from the embedded Fashion-MNIST images. Each window brings new images whose
// labels drift: first the classes are permuted every two windows, then a growing share of labels is redrawn.
// Three models follow the stream window by window:
//   * plain:   a plastic neural network warm-started from the previous window's model, no plasticity settings;
//   * plastic: the same, with LayerNorm and a reset of the output layer at every window boundary;
//   * FastTree: ML.NET's boosted trees (one-versus-all), retrained from scratch on each window.
// Prints accuracy on each window's held-out images and total training time, and plots the accuracies.
using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Plasticity.ML.Data;
using Plasticity.ML.Estimators;
using Plasticity.ML.Interventions;
using Plasticity.ML.Networks;
using Plasticity.ML.Tasks;

int windows = args.Length > 0 ? int.Parse(args[0]) : 8;
const int TrainPerWindow = 500, TestPerWindow = 200;
var ml = new MLContext(seed: 0);
var images = FashionMnist.LoadEmbedded().Subset(windows * (TrainPerWindow + TestPerWindow), seed: 1);
var permuted = TaskSequence.Create(new TaskSequenceSpec { Kind = TaskSequenceKind.ClassPermutation, Tasks = windows, Seed = 2 }, images);
var relabeled = TaskSequence.Create(new TaskSequenceSpec { Kind = TaskSequenceKind.PartialRelabel, Tasks = windows, Seed = 3, RelabelFraction = 0.2 }, images);
int[] LabelsOf(int window) => window < windows / 2 ? permuted.LabelsFor(window / 2) : relabeled.LabelsFor(window - windows / 2 + 1);

var trainers = new (string Name, Func<ITransformer?, IDataView, ITransformer> Fit)[]
{
    ("plain warm start", (previous, data) => Plastic(NormalizationKind.None, [], previous, data)),
    ("plastic warm start", (previous, data) => Plastic(NormalizationKind.LayerNorm, [new ResetSpec { Layers = 1 }], previous, data)),
    ("FastTree from scratch", (_, data) => ml.MulticlassClassification.Trainers.OneVersusAll(ml.BinaryClassification.Trainers.FastTree(numberOfTrees: 20)).Fit(data)),
};
var accuracy = trainers.Select(_ => new double[windows]).ToArray();
var seconds = new double[trainers.Length];
var models = new ITransformer?[trainers.Length];

for (int w = 0; w < windows; w++)
{
    var labels = LabelsOf(w);
    int offset = w * (TrainPerWindow + TestPerWindow);
    var train = ml.Data.LoadFromEnumerable(Rows(offset, TrainPerWindow, labels));
    var test = ml.Data.LoadFromEnumerable(Rows(offset + TrainPerWindow, TestPerWindow, labels));
    for (int m = 0; m < trainers.Length; m++)
    {
        var clock = Stopwatch.StartNew();
        models[m] = trainers[m].Fit(models[m], train);
        seconds[m] += clock.Elapsed.TotalSeconds;
        accuracy[m][w] = ml.MulticlassClassification.Evaluate(models[m]!.Transform(test)).MicroAccuracy;
    }
    Console.WriteLine($"window {w}: " + string.Join("  ", trainers.Select((t, m) => $"{t.Name} {accuracy[m][w]:F3}")));
}

Console.WriteLine();
Console.WriteLine($"{"model",-24}{"mean accuracy",15}{"last window",13}{"train seconds",15}");
for (int m = 0; m < trainers.Length; m++)
    Console.WriteLine($"{trainers[m].Name,-24}{accuracy[m].Average(),15:F3}{accuracy[m][^1],13:F3}{seconds[m],15:F1}");

var plot = new ScottPlot.Plot();
double[] xs = Enumerable.Range(0, windows).Select(i => (double)i).ToArray();
for (int m = 0; m < trainers.Length; m++) plot.Add.Scatter(xs, accuracy[m]).LegendText = trainers[m].Name;
plot.ShowLegend();
plot.XLabel("window");
plot.YLabel("held-out accuracy");
plot.Title("Retraining on drifting Fashion-MNIST");
plot.SavePng("drift-retraining.png", 900, 500);
Console.WriteLine("Plot written to drift-retraining.png");

IEnumerable<Image> Rows(int start, int count, int[] labels) => Enumerable.Range(start, count).Select(i => new Image
{
    Features = images.Pixels.AsSpan(i * 784, 784).ToArray(),
    Label = (uint)labels[i], // the enumerable loader reads [KeyType(10)] values 0..9 as keys 1..10
});

ITransformer Plastic(NormalizationKind normalization, List<InterventionSpec> interventions, ITransformer? previous, IDataView data)
{
    var trainer = ml.MulticlassClassification.Trainers.PlasticNeuralNetwork(new PlasticMulticlassClassificationTrainer.Options
    {
        HiddenWidths = [128, 128],
        Normalization = normalization,
        Interventions = interventions,
        Epochs = 5,
        Seed = 4,
    });
    return trainer.Fit(data, previous as PlasticNeuralNetworkTransformer);
}

/// <summary>One image and its (drifting) class, as a key over 10 classes.</summary>
internal sealed class Image
{
    [VectorType(784)] public float[] Features { get; set; } = [];
    [KeyType(10)] public uint Label { get; set; }
}

// Retraining on a drifting stream built from the embedded Fashion-MNIST images. Each window brings new images whose
// labels drift: in the first half the classes are permuted every two windows, in the second half a growing share of
// labels is redrawn (gradual relabeling). Three models follow the stream window by window:
//   * warm start:              a plastic neural network warm-started from the previous window's model, no plasticity settings;
//   * warm start + plasticity: the same, with LayerNorm and a reset of the output layer at every window boundary;
//   * LightGbm from scratch:   ML.NET's LightGbm multiclass trainer, retrained from scratch on each window.
// Prints the held-out accuracy on every window and the total training time (wall clock and CPU) as a Markdown table,
// and plots the accuracies.
// Usage: DriftRetraining [windows=8] [trainImagesPerWindow=300] [plot=drift-retraining.png]
using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Plasticity.ML.Data;
using Plasticity.ML.Estimators;
using Plasticity.ML.Interventions;
using Plasticity.ML.Networks;
using Plasticity.ML.Tasks;

int windows = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 8;
int trainPerWindow = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 300;
string plotPath = args.Length > 2 ? args[2] : "drift-retraining.png";
int testPerWindow = trainPerWindow / 2, perWindow = trainPerWindow + testPerWindow;
var ml = new MLContext(seed: 0);
var images = FashionMnist.LoadEmbedded().Subset(windows * perWindow, seed: 1);
var permuted = TaskSequence.Create(new TaskSequenceSpec { Kind = TaskSequenceKind.ClassPermutation, Tasks = windows, Seed = 2 }, images);
var relabeled = TaskSequence.Create(new TaskSequenceSpec { Kind = TaskSequenceKind.PartialRelabel, Tasks = windows, Seed = 3, RelabelFraction = 0.2 }, images);
int[] LabelsOf(int window) => window < windows / 2 ? permuted.LabelsFor(window / 2) : relabeled.LabelsFor(window - windows / 2 + 1);

var models = new (string Name, Func<ITransformer?, IDataView, ITransformer> Fit)[]
{
    ("warm start", (previous, data) => Plastic(NormalizationKind.None, [], previous, data)),
    ("warm start + plasticity", (previous, data) => Plastic(NormalizationKind.LayerNorm, [new ResetSpec { Layers = 1 }], previous, data)),
    ("LightGbm from scratch", (_, data) => ml.MulticlassClassification.Trainers.LightGbm(
        numberOfLeaves: 16, minimumExampleCountPerLeaf: 10, learningRate: 0.2, numberOfIterations: 40).Fit(data)),
};
var accuracy = models.Select(_ => new double[windows]).ToArray();
var seconds = new double[models.Length];
var cpuSeconds = new double[models.Length]; // CPU time of the whole process during each Fit: on a shared machine, wall time depends on the load
var process = Process.GetCurrentProcess();
var trained = new ITransformer?[models.Length];

for (int w = 0; w < windows; w++)
{
    var labels = LabelsOf(w);
    int offset = w * perWindow;
    var train = ml.Data.LoadFromEnumerable(Rows(offset, trainPerWindow, labels));
    var test = ml.Data.LoadFromEnumerable(Rows(offset + trainPerWindow, testPerWindow, labels));
    for (int m = 0; m < models.Length; m++)
    {
        process.Refresh();
        var cpuBefore = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        trained[m] = models[m].Fit(trained[m], train);
        seconds[m] += clock.Elapsed.TotalSeconds;
        process.Refresh();
        cpuSeconds[m] += (process.TotalProcessorTime - cpuBefore).TotalSeconds;
        accuracy[m][w] = ml.MulticlassClassification.Evaluate(trained[m]!.Transform(test)).MicroAccuracy;
    }
    Console.Error.WriteLine($"window {w} done: " + string.Join(", ", models.Select((x, m) => $"{x.Name} {accuracy[m][w]:F3} ({cpuSeconds[m]:F1} s CPU so far)")));
}

Console.WriteLine($"Held-out accuracy per window ({trainPerWindow} training and {testPerWindow} test images per window; " +
    $"windows 0-{windows / 2 - 1}: classes permuted every two windows, windows {windows / 2}-{windows - 1}: 20% more labels redrawn each window).");
Console.WriteLine();
Console.WriteLine("| window | " + string.Join(" | ", models.Select(m => m.Name)) + " |");
Console.WriteLine("|---:|" + string.Concat(models.Select(_ => "---:|")));
for (int w = 0; w < windows; w++)
    Console.WriteLine($"| {w} | " + string.Join(" | ", accuracy.Select(a => a[w].ToString("F3", CultureInfo.InvariantCulture))) + " |");
Console.WriteLine("| mean | " + string.Join(" | ", accuracy.Select(a => a.Average().ToString("F3", CultureInfo.InvariantCulture))) + " |");
Console.WriteLine("| total training seconds (wall) | " + string.Join(" | ", seconds.Select(s => s.ToString("F1", CultureInfo.InvariantCulture))) + " |");
Console.WriteLine("| total training seconds (CPU) | " + string.Join(" | ", cpuSeconds.Select(s => s.ToString("F1", CultureInfo.InvariantCulture))) + " |");

var plot = new ScottPlot.Plot();
double[] xs = Enumerable.Range(0, windows).Select(i => (double)i).ToArray();
for (int m = 0; m < models.Length; m++) plot.Add.Scatter(xs, accuracy[m]).LegendText = $"{models[m].Name} ({cpuSeconds[m]:F0} s CPU)";
plot.ShowLegend();
plot.Axes.SetLimitsY(0, 1);
plot.XLabel("window");
plot.YLabel("held-out accuracy");
plot.Title("Retraining on drifting Fashion-MNIST");
plot.SavePng(plotPath, 900, 500);
Console.WriteLine();
Console.WriteLine($"Plot written to {plotPath}");

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
        Epochs = 10,
        Seed = 4,
        // The settings of the measured table in the README: 10 plain epochs per window at batch 64, no held-out part.
        BatchSize = 64,
        ValidationFraction = 0,
        MinimumSteps = 0,
    });
    return trainer.Fit(data, (previous as PlasticNeuralNetworkTransformer)?.Model);
}

/// <summary>One image and its (drifting) class, as a key over 10 classes.</summary>
internal sealed class Image
{
    [VectorType(784)] public float[] Features { get; set; } = [];
    [KeyType(10)] public uint Label { get; set; }
}

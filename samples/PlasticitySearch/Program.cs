// Searches plasticity settings on the drifting stream of samples/DriftRetraining (Fashion-MNIST windows whose classes
// are permuted every two windows, then whose labels are gradually redrawn), tuning on the first windows only, and
// compares, per held-out window the search never saw (each window scored before it is learned):
//   * the best settings found (the best trial's model, continued through the held-out windows);
//   * the default settings (a plain MLP warm-started window after window, as in DriftRetraining);
//   * LightGbm from scratch, trained on the window before and scored on the window.
// Every trial runs in a worker process: this program started again (TrialWorker.RunIfRequested, the first line).
// Ctrl+C stops the search cleanly; running the same command again resumes it.
// Usage: PlasticitySearch [--trials N] [--parallel P] [--minutes M] [--out DIR] [--quick]
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Plasticity.ML.Interventions;
using Plasticity.ML.Networks;
using Plasticity.ML.Optimization;
using Plasticity.ML.Search.Experiment;
using Plasticity.ML.Search.Runners;
using Plasticity.ML.Search.Space;
using Plasticity.ML.Search.Trials;
using Plasticity.ML.Search.Tuners;
using Plasticity.ML.Search.Tuners.Asha;
using Plasticity.ML.Tasks.Streams;
using Plasticity.ML.Training;

TrialWorker.RunIfRequested(args); // a worker process runs its one trial and ends here

bool quick = args.Contains("--quick");
int trials = Argument("--trials", quick ? 4 : 30);
int parallel = Argument("--parallel", 2);
int minutes = Argument("--minutes", 20);
string folder = Path.GetFullPath(args.SkipWhile(a => a != "--out").Skip(1).FirstOrDefault() ?? "plasticity-search");

// DriftRetraining's stream: 12 windows of 300 images; the search sees windows 0-7, windows 8-11 are held out.
var drift = quick ? new DriftingStreamSpec { Windows = 6, ImagesPerWindow = 100 } : new DriftingStreamSpec { Windows = 12, ImagesPerWindow = 300 };
int tuningWindows = quick ? 4 : 8;
var defaults = new ContinualTrainingOptions
{
    Network = new NetworkSpec { InputShape = [784], HiddenWidths = quick ? [32, 32] : [128, 128], Head = new HeadSpec { Kind = HeadKind.Classification, Outputs = 10 } },
    Optimizer = new OptimizerOptions { LearningRate = 1e-3 },
    BatchSize = 64,
    StepsPerTask = quick ? 20 : 200,
    Threads = 1,
    Seed = 4,
};
// Three plasticity settings: the learning rate, LayerNorm or not, and a reset of the output layer at every window.
var space = new SearchSpace(
[
    new RangeParameter("Optimizer.LearningRate", 1e-4, 1e-2, 1e-3, logBase: true),
    new ChoiceParameter("Network.Normalization", [ParameterValue.FromText("None"), ParameterValue.FromText("LayerNorm")]),
    ChoiceParameter.Boolean("ResetOutputLayer", defaultValue: false),
]);
var members = space.Without("ResetOutputLayer");
ContinualTrainingOptions Apply(ContinualTrainingOptions baseline, ParameterSet parameters) =>
    members.Apply(baseline, new ParameterSet(parameters.Where(p => p.Key != "ResetOutputLayer"))) with
    {
        Interventions = parameters["ResetOutputLayer"].Boolean ? [new ResetSpec { Layers = 1 }] : [],
    };

var tuner = new AshaTuner(space, new AshaOptions { Direction = OptimizationDirection.Maximize, Seed = 4, MinFidelity = 1, MaxFidelity = tuningWindows - 1 });
var experiment = new SearchExperiment()
    .SetData(StreamReference.Embedded(drift), tuningWindows)
    .SetTrainingOptions(defaults, Apply)
    .SetSearchSpace(space)
    .SetTuner(tuner)
    .SetBudget(new SearchBudget { MaxTrials = trials, MaxSeconds = minutes * 60 })
    .SetParallelism(parallel)
    .SetCheckpointFolder(folder)
    .SetMonitor(new LineMonitor());
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
SearchResult result;
try
{
    result = await experiment.RunAsync(cancel.Token);
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine($"Stopped. The search in {folder} resumes when you run the same command again.");
    return 130;
}
if (result.HeldOut is not { } heldOut)
{
    Console.Error.WriteLine("No trial completed; nothing to compare.");
    return 1;
}

// LightGbm from scratch: for each window, trained on the window before (a model retrained from scratch every window).
var stream = drift.Build();
var ml = new MLContext(seed: 0);
var lightGbm = new Dictionary<int, double>();
for (int w = 1; w < stream.Count; w++)
{
    var model = ml.MulticlassClassification.Trainers.LightGbm(numberOfLeaves: 16, minimumExampleCountPerLeaf: 10, learningRate: 0.2, numberOfIterations: 40)
        .Fit(ml.Data.LoadFromEnumerable(Rows(stream.Windows[w - 1])));
    lightGbm[w] = ml.MulticlassClassification.Evaluate(model.Transform(ml.Data.LoadFromEnumerable(Rows(stream.Windows[w])))).MicroAccuracy;
}

double Accuracy(IEnumerable<Plasticity.ML.Search.Objectives.WindowScore> scores, int window) => scores.FirstOrDefault(s => s.Window == window)?.Accuracy ?? double.NaN;
var bestLineage = result.Best!.Scores.Concat(heldOut.Best.Scores).ToList();
Console.WriteLine();
Console.WriteLine($"Best settings found: {result.Best.Parameters}; defaults: {result.DefaultParameters}.");
Console.WriteLine($"Prequential accuracy per window (each window scored before it is learned); the search tuned on windows 0-{tuningWindows - 1}.");
Console.WriteLine();
Console.WriteLine("| window | part | best found | defaults | LightGbm from scratch |");
Console.WriteLine("|---:|---|---:|---:|---:|");
for (int w = 1; w < stream.Count; w++)
    Console.WriteLine($"| {w} | {(w < tuningWindows ? "tuning" : "**held out**")} | {F(Accuracy(bestLineage, w))} | {F(Accuracy(heldOut.Default.Scores, w))} | {F(lightGbm[w])} |");
var held = Enumerable.Range(tuningWindows, stream.Count - tuningWindows).ToList();
Console.WriteLine($"| mean of held-out windows | | {F(heldOut.BestMetric)} | {F(heldOut.DefaultMetric)} | {F(held.Average(w => lightGbm[w]))} |");
Console.WriteLine();
Console.WriteLine($"{result.History.Count} trials ({result.History.Count(t => t.Status == TrialStatus.Failed)} failed) with ASHA, stopped by {result.StoppedBy}; history in {Path.Combine(folder, "history.jsonl")}.");

// Trials over time, coloured by fidelity (ASHA's rungs), and the per-window comparison.
var trialsPlot = new ScottPlot.Plot();
foreach (var rung in result.History.Where(t => t.IsCompleted).GroupBy(t => t.Fidelity).OrderBy(g => g.Key))
{
    var points = trialsPlot.Add.Scatter(rung.Select(t => t.FinishedAt ?? 0).ToArray(), rung.Select(t => t.Metric).ToArray());
    points.LineWidth = 0;
    points.MarkerSize = 8;
    points.LegendText = $"{rung.Key} windows";
}
trialsPlot.ShowLegend();
trialsPlot.Title("Trials over time (mean prequential accuracy over the windows each trial trained)");
trialsPlot.XLabel("search time (s)");
trialsPlot.YLabel("mean prequential accuracy");
trialsPlot.SavePng(Path.Combine(folder, "trials.png"), 900, 500);

var windowsPlot = new ScottPlot.Plot();
double[] xs = Enumerable.Range(1, stream.Count - 1).Select(w => (double)w).ToArray();
windowsPlot.Add.Scatter(xs, xs.Select(w => Accuracy(bestLineage, (int)w)).ToArray()).LegendText = "best settings found";
windowsPlot.Add.Scatter(xs, xs.Select(w => Accuracy(heldOut.Default.Scores, (int)w)).ToArray()).LegendText = "defaults";
windowsPlot.Add.Scatter(xs, xs.Select(w => lightGbm[(int)w]).ToArray()).LegendText = "LightGbm from scratch";
var split = windowsPlot.Add.VerticalLine(tuningWindows - 0.5);
split.LabelText = "held out from here";
split.LinePattern = ScottPlot.LinePattern.Dashed;
windowsPlot.ShowLegend();
windowsPlot.Axes.SetLimitsY(0, 1);
windowsPlot.Title("Prequential accuracy per window on drifting Fashion-MNIST");
windowsPlot.XLabel("window");
windowsPlot.YLabel("accuracy");
windowsPlot.SavePng(Path.Combine(folder, "windows.png"), 900, 500);
Console.WriteLine($"Plots: {Path.Combine(folder, "trials.png")}, {Path.Combine(folder, "windows.png")}");
return 0;

int Argument(string name, int fallback)
{
    int at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
}

static string F(double value) => double.IsFinite(value) ? value.ToString("F3", CultureInfo.InvariantCulture) : "n/a";

static IEnumerable<Image> Rows(StreamWindow window) => Enumerable.Range(0, window.Count).Select(i => new Image
{
    Features = window.Features.AsSpan(i * 784, 784).ToArray(),
    Label = (uint)window.Labels![i], // the enumerable loader reads a 0-based [KeyType] member as key value + 1
});

/// <summary>One image and its (drifting) class, as a key over 10 classes.</summary>
internal sealed class Image
{
    [VectorType(784)] public float[] Features { get; set; } = [];
    [KeyType(10)] public uint Label { get; set; }
}

/// <summary>One line per finished trial.</summary>
internal sealed class LineMonitor : ISearchMonitor
{
    public void OnMessage(string message) => Console.Error.WriteLine(message);

    public void OnTrialFinished(TrialRecord trial, SearchProgress progress) => Console.Error.WriteLine(
        $"trial {trial.Id} {trial.Parameters} windows {trial.StartFidelity + 1}-{trial.Fidelity}: " +
        (trial.IsCompleted ? trial.Metric.ToString("F3", CultureInfo.InvariantCulture) : "failed: " + trial.Error) +
        $" | {progress.Finished}/{progress.Budget.MaxTrials} done, best {(progress.Best is { } b ? b.Metric.ToString("F3", CultureInfo.InvariantCulture) : "-")}" +
        (progress.Remaining is { } r ? $", ~{r.TotalMinutes:F0} min left" : ""));
}

// Tabular regression with a plastic neural network, and which features it relies on (permutation feature importance):
// disease progression of 442 diabetes patients from ten baseline measurements (Data/diabetes.csv, BSD licence).
// Usage: Tabular [path/to/diabetes.csv]
using Microsoft.ML;
using Microsoft.ML.Data;
using Plasticity.ML.Estimators;

string path = args.Length > 0 ? args[0] : Path.Combine(AppContext.BaseDirectory, "Data", "diabetes.csv");
string[] features = ["age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"];
var ml = new MLContext(seed: 1);
var data = ml.Data.LoadFromTextFile(path, separatorChar: ',', hasHeader: true, columns:
[
    .. features.Select((name, i) => new TextLoader.Column(name, DataKind.Single, i)),
    new TextLoader.Column("Label", DataKind.Single, features.Length),
]);
var split = ml.Data.TrainTestSplit(data, testFraction: 0.2, seed: 1);

// An ordinary ML.NET pipeline: gather and scale the features, then the trainer with its defaults.
var pipeline = ml.Transforms.Concatenate("Features", features)
    .Append(ml.Transforms.NormalizeMinMax("Features"))
    .Append(ml.Regression.Trainers.PlasticNeuralNetwork());
var model = pipeline.Fit(split.TrainSet);
var test = model.Transform(split.TestSet);
var metrics = ml.Regression.Evaluate(test);
Console.WriteLine($"Test R^2 {metrics.RSquared:F3}, mean absolute error {metrics.MeanAbsoluteError:F1} (progression ranges 25-346).");

var sdca = ml.Transforms.Concatenate("Features", features).Append(ml.Transforms.NormalizeMinMax("Features"))
    .Append(ml.Regression.Trainers.Sdca()).Fit(split.TrainSet);
Console.WriteLine($"ML.NET's SDCA on the same split: R^2 {ml.Regression.Evaluate(sdca.Transform(split.TestSet)).RSquared:F3}.");

// Permutation feature importance: how much R^2 drops when one feature's values are shuffled across the test rows.
var importance = ml.Regression.PermutationFeatureImportance(model.LastTransformer, test, permutationCount: 10);
Console.WriteLine();
Console.WriteLine("| feature | R^2 drop when shuffled | ± std |");
Console.WriteLine("|---|---:|---:|");
foreach (var (name, drop) in features.Zip(importance).OrderBy(f => f.Second.RSquared.Mean))
    Console.WriteLine($"| {name} | {-drop.RSquared.Mean:F3} | {drop.RSquared.StandardDeviation:F3} |");

using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Plasticity.ML.Estimators;

namespace Plasticity.ML.Benchmarks;

/// <summary>One trainer on one data set, over several random splits: mean and spread of the metric, mean training time.</summary>
/// <param name="Dataset">The data set's name.</param>
/// <param name="Task">Its task.</param>
/// <param name="TrainRows">Training rows of the first split.</param>
/// <param name="TestRows">Test rows of the first split.</param>
/// <param name="Features">Features per row.</param>
/// <param name="Trainer">The trainer's name.</param>
/// <param name="Metric">Per split: accuracy (classification) or R² (regression) on the test rows.</param>
/// <param name="Auc">Per split: the AUC (binary only, else empty).</param>
/// <param name="Seconds">Per split: seconds of <c>Fit</c> (normalizer and trainer).</param>
public sealed record TabularResult(string Dataset, TabularTask Task, int TrainRows, int TestRows, int Features, string Trainer,
    double[] Metric, double[] Auc, double[] Seconds)
{
    /// <summary>Mean of the metric.</summary>
    public double MeanMetric => Metric.Average();

    /// <summary>Sample standard deviation of the metric over the splits (0 for one split).</summary>
    public double MetricStd => Std(Metric);

    /// <summary>Mean AUC (NaN when not binary).</summary>
    public double MeanAuc => Auc.Length == 0 ? double.NaN : Auc.Average();

    /// <summary>Mean training seconds.</summary>
    public double MeanSeconds => Seconds.Average();

    /// <summary>
    /// This result's metric minus <paramref name="other"/>'s on the same splits: the mean difference and the half-width of
    /// its 95% Student-t interval (infinite for one split). Pairing removes the split-to-split spread both trainers share,
    /// which is most of the spread on small data sets.
    /// </summary>
    public (double Mean, double HalfWidth) PairedDifference(TabularResult other)
    {
        if (other.Metric.Length != Metric.Length) throw new ArgumentException($"{other.Trainer} ran {other.Metric.Length} splits, {Trainer} {Metric.Length}.", nameof(other));
        var differences = Metric.Zip(other.Metric, (a, b) => a - b).ToArray();
        int n = differences.Length;
        double halfWidth = n < 2 ? double.PositiveInfinity
            : MathNet.Numerics.Distributions.StudentT.InvCDF(0, 1, n - 1, 0.975) * Std(differences) / Math.Sqrt(n);
        return (differences.Average(), halfWidth);
    }

    private static double Std(double[] values)
    {
        if (values.Length < 2) return 0;
        double mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1));
    }
}

/// <summary>A trainer to compare: its name and how it is built for a task (features in "Features", label in "Label").</summary>
/// <param name="Name">Display name.</param>
/// <param name="Create">The estimator for a task, in a context.</param>
public sealed record TabularTrainer(string Name, Func<MLContext, TabularTask, IEstimator<ITransformer>> Create);

/// <summary>
/// The comparison of the first section: an ordinary ML.NET app (features normalized with NormalizeMinMax,
/// the trainer with default arguments) on public tabular data sets, the plastic trainers against ML.NET's SDCA and
/// LightGbm, on the same random splits in the same run. The metric is accuracy (classification) or R² (regression).
/// </summary>
public static class TabularBenchmark
{
    /// <summary>Share of each data set held out for testing.</summary>
    public const double TestFraction = 0.2;

    /// <summary>The plastic trainer with all defaults.</summary>
    public static TabularTrainer Plastic { get; } = new("plastic (defaults)", (ml, task) => task switch
    {
        TabularTask.Regression => ml.Regression.Trainers.PlasticNeuralNetwork(),
        TabularTask.Binary => ml.BinaryClassification.Trainers.PlasticNeuralNetwork(),
        _ => ml.MulticlassClassification.Trainers.PlasticNeuralNetwork(),
    });

    /// <summary>The plastic trainer with options set by <paramref name="configure"/> (for choosing defaults).</summary>
    public static TabularTrainer PlasticWith(string name, Action<PlasticTrainerOptionsBase> configure) => new(name, (ml, task) =>
    {
        switch (task)
        {
            case TabularTask.Regression:
            {
                var options = new PlasticRegressionTrainer.Options();
                configure(options);
                return ml.Regression.Trainers.PlasticNeuralNetwork(options);
            }
            case TabularTask.Binary:
            {
                var options = new PlasticBinaryClassificationTrainer.Options();
                configure(options);
                return ml.BinaryClassification.Trainers.PlasticNeuralNetwork(options);
            }
            default:
            {
                var options = new PlasticMulticlassClassificationTrainer.Options();
                configure(options);
                return ml.MulticlassClassification.Trainers.PlasticNeuralNetwork(options);
            }
        }
    });

    /// <summary>ML.NET's SDCA trainers with their defaults (regression; logistic regression; maximum entropy).</summary>
    public static TabularTrainer Sdca { get; } = new("SDCA", (ml, task) => task switch
    {
        TabularTask.Regression => ml.Regression.Trainers.Sdca(),
        TabularTask.Binary => ml.BinaryClassification.Trainers.SdcaLogisticRegression(),
        _ => ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(),
    });

    /// <summary>ML.NET's LightGbm trainers with their defaults.</summary>
    public static TabularTrainer LightGbm { get; } = new("LightGbm", (ml, task) => task switch
    {
        TabularTask.Regression => ml.Regression.Trainers.LightGbm(),
        TabularTask.Binary => ml.BinaryClassification.Trainers.LightGbm(),
        _ => ml.MulticlassClassification.Trainers.LightGbm(),
    });

    /// <summary>Runs every trainer on every data set and split (trainers interleaved within each split).</summary>
    public static List<TabularResult> Measure(IEnumerable<TabularDataset> datasets, IReadOnlyList<TabularTrainer> trainers, int splits, Action<string>? log = null) =>
        Measure(datasets, trainers, _ => splits, log);

    /// <summary>Like the other overload, with a number of splits per data set (fewer for the medium one).</summary>
    public static List<TabularResult> Measure(IEnumerable<TabularDataset> datasets, IReadOnlyList<TabularTrainer> trainers, Func<TabularDataset, int> splitsOf, Action<string>? log = null)
    {
        var results = new List<TabularResult>();
        foreach (var dataset in datasets)
        {
            int splits = splitsOf(dataset);
            var metric = trainers.Select(_ => new List<double>()).ToArray();
            var auc = trainers.Select(_ => new List<double>()).ToArray();
            var seconds = trainers.Select(_ => new List<double>()).ToArray();
            int trainRows = 0, testRows = 0;
            for (int split = 0; split < splits; split++)
            {
                for (int t = 0; t < trainers.Count; t++)
                {
                    var ml = new MLContext(seed: split);
                    var all = Load(ml, dataset);
                    var parts = ml.Data.TrainTestSplit(all, TestFraction, seed: split);
                    if (t == 0 && split == 0)
                    {
                        trainRows = Count(parts.TrainSet);
                        testRows = Count(parts.TestSet);
                    }
                    var pipeline = Pipeline(ml, dataset.Task, trainers[t].Create(ml, dataset.Task));
                    var clock = Stopwatch.StartNew();
                    var model = pipeline.Fit(parts.TrainSet);
                    seconds[t].Add(clock.Elapsed.TotalSeconds);
                    var (value, area) = Evaluate(ml, dataset.Task, model.Transform(parts.TestSet));
                    metric[t].Add(value);
                    if (dataset.Task == TabularTask.Binary) auc[t].Add(area);
                    log?.Invoke($"{dataset.Name} split {split} {trainers[t].Name}: {value:F4} in {seconds[t][^1]:F1} s");
                }
            }
            for (int t = 0; t < trainers.Count; t++)
                results.Add(new TabularResult(dataset.Name, dataset.Task, trainRows, testRows, dataset.FeatureCount, trainers[t].Name,
                    [.. metric[t]], [.. auc[t]], [.. seconds[t]]));
        }
        return results;
    }

    /// <summary>NormalizeMinMax on the features, then the trainer (multiclass labels mapped to keys first), as an app writes it.</summary>
    private static IEstimator<ITransformer> Pipeline(MLContext ml, TabularTask task, IEstimator<ITransformer> trainer)
    {
        IEstimator<ITransformer> start = ml.Transforms.NormalizeMinMax("Features");
        if (task == TabularTask.Multiclass) start = ml.Transforms.Conversion.MapValueToKey("Label", "Class").Append(start);
        return start.Append(trainer);
    }

    private static (double Metric, double Auc) Evaluate(MLContext ml, TabularTask task, IDataView scored) => task switch
    {
        TabularTask.Regression => (ml.Regression.Evaluate(scored).RSquared, double.NaN),
        TabularTask.Binary => ml.BinaryClassification.Evaluate(scored) is var m ? (m.Accuracy, m.AreaUnderRocCurve) : default,
        _ => (ml.MulticlassClassification.Evaluate(scored).MicroAccuracy, double.NaN),
    };

    private sealed class RegressionRow
    {
        public float[] Features { get; set; } = [];
        public float Label { get; set; }
    }

    private sealed class BinaryRow
    {
        public float[] Features { get; set; } = [];
        public bool Label { get; set; }
    }

    private sealed class MulticlassRow
    {
        public float[] Features { get; set; } = [];
        public float Class { get; set; }
    }

    /// <summary>The data set as an IDataView: "Features" (known-size vector) and "Label" ("Class" for multiclass).</summary>
    private static IDataView Load(MLContext ml, TabularDataset dataset)
    {
        var vector = new VectorDataViewType(NumberDataViewType.Single, dataset.FeatureCount);
        switch (dataset.Task)
        {
            case TabularTask.Regression:
            {
                var schema = SchemaDefinition.Create(typeof(RegressionRow));
                schema[nameof(RegressionRow.Features)].ColumnType = vector;
                return ml.Data.LoadFromEnumerable(dataset.Features.Select((f, i) => new RegressionRow { Features = f, Label = dataset.Labels[i] }).ToList(), schema);
            }
            case TabularTask.Binary:
            {
                var schema = SchemaDefinition.Create(typeof(BinaryRow));
                schema[nameof(BinaryRow.Features)].ColumnType = vector;
                return ml.Data.LoadFromEnumerable(dataset.Features.Select((f, i) => new BinaryRow { Features = f, Label = dataset.Labels[i] > 0.5f }).ToList(), schema);
            }
            default:
            {
                var schema = SchemaDefinition.Create(typeof(MulticlassRow));
                schema[nameof(MulticlassRow.Features)].ColumnType = vector;
                return ml.Data.LoadFromEnumerable(dataset.Features.Select((f, i) => new MulticlassRow { Features = f, Class = dataset.Labels[i] }).ToList(), schema);
            }
        }
    }

    private static int Count(IDataView data)
    {
        int n = 0;
        using var cursor = data.GetRowCursor([]);
        while (cursor.MoveNext()) n++;
        return n;
    }
}
